import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import relevance from '../algorithms/relevance.ts'
import { measureLog } from '../bench/log/measure.ts'
import { ImpressionLogWriter } from '../bench/log/write.ts'
import { runMarket } from '../bench/market/run.ts'
import { defineCollector } from '../bench/market/stream.ts'
import { rankingQuality } from '../bench/metrics/collectors/ranking-quality.ts'
import { sellerTotals } from '../bench/metrics/collectors/sellers.ts'
import { collectorsFor, SELLER_FILE_COLUMNS, SUMMARY_METRICS } from '../bench/metrics/definitions.ts'
import { metric } from '../bench/metrics/registry.ts'
import { resultRows } from '../bench/metrics/summarize.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { toCsv } from '../core/csv.ts'
import { generateCatalog } from '../datasets/generate.ts'
import { tempDir } from './helpers/cli.ts'

const sum = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0)

// A new metric: one collector (clicks on the first slot, from the sessions every source emits) and one
// registry entry. Nothing in the engine or the log reader knows it.
const topSlotClicks = defineCollector({
  name: 'top-slot-clicks',
  create: () => {
    let clicks = 0
    return {
      session: (o) => {
        if (o.count > 0 && o.position[0] === 1) clicks += o.clicked[0]
      },
      result: () => clicks,
    }
  },
})
const topSlotShare = metric(
  'top_slot_click_share',
  'buyers',
  'neither',
  'Clicks on the first slot / all clicks.',
  { uses: [topSlotClicks, sellerTotals] },
  (r) => r.get(topSlotClicks) / sum(r.get(sellerTotals).clicks),
)
// One that needs the hidden truth: a simulation defines it, a log leaves it empty with the reason.
const meanMerit = metric(
  'mean_seller_merit',
  'sellers',
  'neither',
  "Mean of the sellers' merit (exposure_merit_tvd's).",
  { needs: ['truth'], uses: [rankingQuality] },
  (r) => sum(r.get(rankingQuality).merit) / r.tables.sellers.count,
)

// The compiler enforces the table: reading a facet or a collector one did not declare does not type-check.
// @ts-expect-error truth is not among the needs
metric('x', 'buyers', 'neither', 'reads the truth undeclared', {}, (r) => r.truth.quality[0])
const undeclared = { needs: ['costs'] } as const
metric(
  'y',
  'buyers',
  'neither',
  'reads a collector undeclared',
  undeclared,
  (r) =>
    // @ts-expect-error rankingQuality needs relevance, which the metric does not declare (nor use the collector)
    r.get(rankingQuality).ndcgSum,
)

describe('one metric, one definition', () => {
  it('a metric added to the registry is computed alike by the simulator and by a log of the same run', async () => {
    const scenario = loadScenario('small')
    const market = { ...scenario.market, rounds: 4, sessionsPerRound: 400 }
    const catalog = generateCatalog(scenario.catalog, 1, market.rounds)
    const file = join(tempDir('trafficbench-registry-'), 'log.csv.gz')
    const writer = new ImpressionLogWriter(file, catalog)
    const logging = defineCollector({
      name: 'log',
      create: () => ({ session: (o) => writer.write(o), result: () => 0 }),
    })
    const metrics = [...SUMMARY_METRICS, topSlotShare, meanMerit]
    const simulated = await runMarket({
      plugin: relevance,
      params: {},
      market,
      catalog,
      seed: 1,
      collectors: [...collectorsFor(metrics), logging],
    })
    writer.close()
    const keys = { algorithm: 'relevance', variant: '', scenario: 'small', seed: 1 }
    const sim = resultRows(keys, simulated, metrics)
    // The sellers as the simulation has them (all of them, and their attributes), as --sellers gives them.
    const sellersFile = join(dirname(file), 'sellers.csv')
    writeFileSync(sellersFile, toCsv(SELLER_FILE_COLUMNS, sim.sellers))
    const log = await measureLog({ log: file, sellers: sellersFile, positionBias: 'log2', metrics })

    expect(sim.summary.top_slot_click_share).toBeGreaterThan(0.05)
    expect(sim.summary.top_slot_click_share).toBeLessThan(1)
    expect(log.summary[0].top_slot_click_share).toBe(sim.summary.top_slot_click_share)
    expect(sim.summary.mean_seller_merit).toBeGreaterThan(0)
    expect(log.summary[0].mean_seller_merit).toBe('')
    expect(log.empty).toContainEqual({
      file: 'summary.csv',
      column: 'mean_seller_merit',
      reason: expect.stringMatching(/^needs the hidden truth/),
    })
    // The same stream, the same functions: every column the log defines is the simulation's, to the bit.
    for (const m of SUMMARY_METRICS)
      if (log.summary[0][m.name] !== '') expect([m.name, log.summary[0][m.name]]).toEqual([m.name, sim.summary[m.name]])
    // Without the metric, its collector never runs.
    const plain = await runMarket({
      plugin: relevance,
      params: {},
      market,
      catalog,
      seed: 1,
      collectors: collectorsFor(),
    })
    expect(() => plain.collected.get(topSlotClicks)).toThrow(/did not run/)
  })
})
