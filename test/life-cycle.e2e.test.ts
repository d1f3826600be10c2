import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ExitParamsSchema } from '../bench/market/params.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { bench, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-life-cycle-')
const ALGORITHMS = 'relevance,temu,amazon,aliexpress'

/** A run that must succeed silently. */
function run(args: string[]) {
  const r = bench(args)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
}

describe('seller life cycle and repricing through the real CLI (small scenario)', () => {
  const on = join(work, 'on')
  const off = join(work, 'off')
  const { maxHazard } = ExitParamsSchema.parse({})
  const rounds = loadScenario('small').market.rounds
  beforeAll(() => {
    const scenario = join(work, 'no-fee-pricing.json')
    writeFileSync(
      scenario,
      JSON.stringify({ extends: 'small', name: 'small-no-fee-pricing', market: { feePricing: false } }),
    )
    run(['run', '--scenario', 'small', '--algorithms', ALGORITHMS, '--out', on, '--bench-time', '0', '--quiet'])
    run(['run', '--scenario', scenario, '--algorithms', ALGORITHMS, '--out', off, '--bench-time', '0', '--quiet'])
  })

  it(
    'no cohort leaves at once: one round never loses more than maxHazard of the active sellers ' +
      'plus three binomial deviations',
    () => {
      const byAlgorithm = new Map<string, Record<string, string>[]>()
      for (const row of readCsvRows(join(on, 'rounds.csv')))
        byAlgorithm.set(row.algorithm, [...(byAlgorithm.get(row.algorithm) ?? []), row])
      expect([...byAlgorithm.keys()].sort()).toEqual(ALGORITHMS.split(',').sort())
      for (const [algorithm, rows] of byAlgorithm) {
        const active = rows.map((r) => Number(r.sellers_active))
        expect(active).toHaveLength(rounds)
        for (let r = 1; r < active.length; r++) {
          const bound = maxHazard * active[r - 1] + 3 * Math.sqrt(maxHazard * (1 - maxHazard) * active[r - 1])
          expect(active[r - 1] - active[r], `${algorithm} round ${r}`).toBeLessThanOrEqual(bound)
        }
      }
    },
  )

  it(
    'incumbents survive a neutral ranker at the plausible rate (the monthly range, prorated to the run), ' +
      'and some do leave',
    () => {
      const relevance = readCsvRows(join(on, 'summary.csv')).find((r) => r.algorithm === 'relevance')!
      const survival = Number(relevance.seller_survival_rate)
      expect(survival).toBeGreaterThanOrEqual(0.8 ** ((5 / 12) * (rounds / 30)))
      expect(survival).toBeLessThan(1)
    },
  )

  it('reports fee pricing per plugin, and nothing repriced with the switch off', () => {
    const summary = new Map(readCsvRows(join(on, 'summary.csv')).map((r) => [r.algorithm, r]))
    const offers = loadScenario('small').catalog.products
    const amazon = summary.get('amazon')!
    expect(Number(amazon.repriced_offers)).toBeGreaterThan(0)
    expect(Number(amazon.repriced_offer_share)).toBeCloseTo(Number(amazon.repriced_offers) / offers, 6)
    expect(Number(amazon.mean_repricing_ratio)).toBeGreaterThan(1)
    expect(Number(amazon.max_repricing_ratio)).toBeGreaterThanOrEqual(Number(amazon.mean_repricing_ratio))
    // AliExpress charges no fulfilment fee and a lower commission than Amazon: fewer offers need raising.
    expect(Number(summary.get('aliexpress')!.repriced_offers)).toBeLessThan(Number(amazon.repriced_offers))
    const unpriced = new Map(readCsvRows(join(off, 'summary.csv')).map((r) => [r.algorithm, r]))
    for (const row of unpriced.values()) {
      expect(Number(row.repriced_offers), row.algorithm).toBe(0)
      expect(Number(row.max_repricing_ratio), row.algorithm).toBe(1)
    }
    // Without fee pricing buyers pay Amazon less per order.
    expect(Number(unpriced.get('amazon')!.avg_price_paid)).toBeLessThan(Number(amazon.avg_price_paid))
  })
})
