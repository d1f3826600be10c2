import { describe, expect, it } from 'vitest'
import { definePlugin, type Plugin, type Session } from '../algorithms/kit/contract.ts'
import relevance from '../algorithms/relevance.ts'
import { runMarket } from '../bench/market/run.ts'
import { collectorsFor } from '../bench/metrics/definitions.ts'
import { summaryRow } from '../bench/metrics/summarize.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { generateCatalog } from '../datasets/generate.ts'

const scenario = loadScenario('small')
const market = { ...scenario.market, rounds: 4, sessionsPerRound: 300 }
const keys = { algorithm: 'x', variant: '', scenario: 'small', seed: 3 }

async function summary(plugin: Plugin) {
  const o = await runMarket({
    plugin,
    params: plugin.params.parse({}),
    market,
    catalog: generateCatalog(scenario.catalog, 3, market.rounds),
    ownsCatalog: true,
    seed: 3,
    collectors: collectorsFor(),
  })
  return summaryRow(keys, o)
}

/** relevance in batch mode: each session ranked by the built-in's own rank(), the whole round at once. */
function batchOf(options: { scribble?: boolean; later?: boolean } = {}): Plugin & { seen: Session[][] } {
  const seen: Session[][] = []
  const plugin = definePlugin({
    ...relevance,
    name: 'relevance-batch',
    create(context) {
      const ranker = relevance.create(context)
      return {
        rank: ranker.rank,
        async rankBatch(sessions, slots) {
          if (options.later) await new Promise((done) => setTimeout(done, 1))
          seen.push(sessions)
          sessions.forEach((session, i) => {
            ranker.rank(session, slots[i])
            // A plugin that writes its own copies of the inputs changes nothing the buyers see.
            if (options.scribble) {
              session.candidates.fill(0)
              session.relevance.fill(-1)
            }
          })
        },
      }
    },
  })
  return Object.assign(plugin, { seen })
}

describe('batch mode', () => {
  it('a ranker that reads no market state gives the session-mode rows exactly, answering now or later', async () => {
    const expected = await summary(relevance)
    expect(await summary(batchOf())).toEqual(expected)
    expect(await summary(batchOf({ later: true }))).toEqual(expected)
  })

  it("the plugin's arrays are its own copies: writing them changes no outcome", async () => {
    expect(await summary(batchOf({ scribble: true }))).toEqual(await summary(relevance))
  })

  it("hands over each round's sessions once, every one with its n candidates and estimates", async () => {
    const plugin = batchOf()
    await summary(plugin)
    expect(plugin.seen).toHaveLength(market.rounds)
    plugin.seen.forEach((sessions, round) => {
      expect(sessions.length).toBeGreaterThan(0)
      expect(sessions.length).toBeLessThanOrEqual(market.sessionsPerRound)
      for (const s of sessions) {
        expect(s.round).toBe(round)
        expect(s.candidates.length).toBe(s.n)
        expect(s.relevance.length).toBe(s.n)
      }
    })
  })
})
