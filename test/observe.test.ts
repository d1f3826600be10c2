import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  definePlugin,
  type MarketView,
  OBSERVABLE_COLUMNS,
  type Plugin,
  type SessionFeedback,
} from '../algorithms/kit/contract.ts'
import oracle from '../algorithms/oracle.ts'
import relevance from '../algorithms/relevance.ts'
import { RelevanceEstimator } from '../bench/market/noise.ts'
import type { MarketParams } from '../bench/market/params.ts'
import { runMarket } from '../bench/market/run.ts'
import { defineCollector } from '../bench/market/stream.ts'
import { PluginError } from '../bench/market/types.ts'
import { rankingQuality } from '../bench/metrics/collectors/ranking-quality.ts'
import { collectorsFor, ROUND_METRICS } from '../bench/metrics/definitions.ts'
import { loadPluginFile } from '../bench/plugins/registry.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { generateCatalog } from '../datasets/generate.ts'
import { tinyMarket } from '../datasets/tiny.ts'

const scenario = loadScenario('small')
const small: MarketParams = { ...scenario.market, rounds: 2, sessionsPerRound: 100 }
const catalog = generateCatalog(scenario.catalog, 1, small.rounds)
const run = (plugin: Plugin, market: MarketParams = small, cat = catalog, params: Record<string, unknown> = {}) =>
  runMarket({
    plugin,
    params: plugin.params.parse(params),
    pluginFile: pluginFiles.get(plugin),
    market,
    catalog: cat,
    seed: 1,
    collectors: collectorsFor(),
  })
/** Plugins loaded from files, with their file (error messages point into it). */
const pluginFiles = new Map<Plugin, string>()
const loadPlugin = async (file: string) => {
  const plugin = await loadPluginFile(file)
  pluginFiles.set(plugin, resolve(file))
  return plugin
}
const probe = (name: string, create: Plugin['create']) =>
  definePlugin({ name, summary: 'test', claims: [], params: z.object({}), create })

describe('the retrieval model: estimated relevance', () => {
  const truth = Float64Array.from({ length: 400 }, (_, i) => 0.3 + (0.4 * ((i * 37) % 100)) / 100)
  const candidates = Int32Array.from({ length: 400 }, (_, i) => i)
  const estimate = (seed: number, sigma: number, buyer = 3, category = 1) => {
    const out = new Float64Array(400)
    new RelevanceEstimator(seed, 400, sigma).estimate(truth, candidates, 400, buyer, category, out)
    return out
  }
  it('noise 0 hands plugins the true relevance, bit for bit', () => expect(estimate(1, 0)).toEqual(truth))
  it('is the same for the same seed and query, differs with the seed, the buyer or the category', async () => {
    expect(estimate(1, 0.1)).toEqual(estimate(1, 0.1))
    expect(estimate(2, 0.1)).not.toEqual(estimate(1, 0.1))
    expect(estimate(1, 0.1, 4)).not.toEqual(estimate(1, 0.1))
    expect(estimate(1, 0.1, 3, 2)).not.toEqual(estimate(1, 0.1))
  })
  it('errs by about σ, half of it per item (the same for every query), and stays in [0, 1]', async () => {
    const e = estimate(1, 0.1)
    const errors = Array.from(e, (v, i) => v - truth[i])
    const sd = Math.sqrt(errors.reduce((t, x) => t + x * x, 0) / errors.length)
    expect(sd).toBeGreaterThan(0.085)
    expect(sd).toBeLessThan(0.115)
    // The item part is shared by two queries: their errors correlate about ITEM_ERROR_SHARE = 0.5.
    const other = Array.from(estimate(1, 0.1, 9, 5), (v, i) => v - truth[i])
    const corr = errors.reduce((t, x, i) => t + x * other[i], 0) / errors.length / sd ** 2
    expect(corr).toBeGreaterThan(0.35)
    expect(corr).toBeLessThan(0.65)
    const wide = estimate(1, 1)
    expect(Math.min(...wide)).toBe(0)
    expect(Math.max(...wide)).toBe(1)
  })
})

describe('plugins see what a platform sees', () => {
  it('a plugin reading true quality, costs, topics, buyer utilities or seller skills gets nothing', async () => {
    let seen: MarketView | undefined
    await run(
      probe('reader', ({ market }) => {
        seen = market
        return { rank: () => {} }
      }),
      { ...small, rounds: 1, sessionsPerRound: 1 },
    )
    const view = seen as unknown as Record<string, Record<string, unknown>>
    expect(view.products.quality).toBeUndefined()
    expect(view.products.unitCost).toBeUndefined()
    expect(view.products.topic).toBeUndefined()
    expect(view.sellers.contentSkill).toBeUndefined()
    expect(view.sellers.adSkill).toBeUndefined()
    expect(view.sellers.costEfficiency).toBeUndefined()
    expect(view.categories.centroid).toBeUndefined()
    expect(Object.keys(view.buyers)).toEqual(['count'])
    for (const entity of ['categories', 'sellers', 'products'] as const)
      expect(Object.keys(view[entity]).sort()).toEqual(['count', ...OBSERVABLE_COLUMNS[entity]].sort())
    // Its own copies, not the catalog's arrays.
    expect(view.products.price).not.toBe(catalog.products.price)
    expect(view.products.price).toEqual(catalog.products.price)
    // Read through an object that inherits from the view (columns settle on the view's own object), or spread.
    const inherited = Object.create(view.sellers) as Record<string, unknown>
    expect(inherited.active).toBe(view.sellers.active)
    expect({ ...view.products }.sales).toBe(view.products.sales)
    expect((new Proxy(view.products, {}) as Record<string, unknown>).clicks).toBe(view.products.clicks)
    // The first-read hook is reachable by its symbol; it hands out observable columns and nothing of the truth.
    const products = view.products as unknown as Record<symbol, (key: string) => unknown>
    const [hook] = Object.getOwnPropertySymbols(products)
    expect(() => products[hook]('quality')).toThrowError(/products\.quality is not an observable column/)
    expect(() => products[hook]('unitCost')).toThrowError(/not an observable column/)
  })

  it('a column copied on first read holds what a copy made at create() holds, every session, every round', async () => {
    // Both plugins rank the same way (by relevance); one takes its copies in create(), the other first reads them in
    // round 1.
    const read = (market: MarketView) => [
      market.products.price,
      market.products.reviews,
      market.products.ratingSum,
      market.products.sales,
      market.sellers.budgetLeft,
      market.sellers.active,
    ]
    const seen: Record<string, string[]> = { early: [], late: [] }
    const reader = (name: 'early' | 'late') =>
      probe(name, (context) => {
        const base = relevance.create({ ...context, params: {} })
        let columns = name === 'early' ? read(context.market) : null
        return {
          rank(session, slots) {
            if (session.round === 1) columns ??= read(context.market)
            if (columns) seen[name].push(columns.map((c) => Array.from(c).join()).join('|'))
            base.rank(session, slots)
          },
        }
      })
    // And both hold the engine's own values: what the market was after the session before, within a round.
    const engine: string[] = []
    const after = defineCollector({
      name: 'engine-columns',
      needs: ['catalog'],
      create: ({ catalog: { market } }) => ({
        session: () =>
          void engine.push(
            read(market as unknown as MarketView)
              .map((c) => Array.from(c).join())
              .join('|'),
          ),
        result: () => null,
      }),
    })
    await runMarket({ plugin: reader('early'), params: {}, market: small, catalog, seed: 1, collectors: [after] })
    await run(reader('late'))
    expect(seen.late.length).toBe(small.sessionsPerRound)
    expect(seen.late).toEqual(seen.early.slice(-small.sessionsPerRound))
    for (let s = 1; s < seen.early.length; s++)
      if (s % small.sessionsPerRound !== 0) expect(seen.early[s]).toBe(engine[s - 1])
  })

  it('only a plugin declaring truth: true gets the truth, and the oracle ranks by it (ndcg_at_10 = 1)', async () => {
    let truth: unknown = 'unset'
    await run(
      probe('peeker', (context) => {
        truth = context.truth
        return { rank: () => {} }
      }),
      { ...small, rounds: 1, sessionsPerRound: 1 },
    )
    expect(truth).toBeUndefined()
    const o = await run(oracle)
    expect(o.collected.get(rankingQuality).ndcgSum / o.totals.rankedSessions).toBeCloseTo(1, 12)
  })

  it(
    'params are a frozen copy: a plugin that writes them is stopped by name, ' + "and the caller's object is untouched",
    async () => {
      const writer = definePlugin({
        name: 'writer',
        summary: 't',
        claims: [],
        params: z.object({ list: z.array(z.number()).default([1, 2]) }),
        create: ({ params }) => {
          params.list.push(3)
          return { rank: () => {} }
        },
      })
      const params = writer.params.parse({})
      await expect(runMarket({ plugin: writer, params, market: small, catalog, seed: 1 })).rejects.toThrowError(
        /plugin "writer", seed 1, before round 0, create\(\)/,
      )
      expect(params.list).toEqual([1, 2])
    },
  )
})

describe('a plugin that patches a global', () => {
  const log2 = Math.log2
  afterEach(() => {
    Math.log2 = log2
  })
  it('is stopped by name right after create()', async () => {
    const patcher = probe('patcher', () => {
      Math.log2 = (x: number) => log2(x) / 2
      return { rank: () => {} }
    })
    await expect(run(patcher)).rejects.toThrowError(
      /plugin "patcher", seed 1, before round 0, globals\(\).*replaced Math\.log2/,
    )
  })
  it('is stopped at the end of the round in which it patched', async () => {
    const patcher = probe('late-patcher', () => ({
      rank: (s) => {
        if (s.round === 1)
          Array.prototype.fill = function () {
            return this
          }
      },
    }))
    const fill = Array.prototype.fill
    try {
      await expect(run(patcher)).rejects.toThrowError(
        /plugin "late-patcher", seed 1, round 1, globals\(\).*replaced Array\.prototype\.fill/,
      )
    } finally {
      Array.prototype.fill = fill
    }
  })
})

describe('per-session feedback (Ranker.onSession)', () => {
  // One category, three products of relevance 1, one slot (always examined). Buyers click every
  // examined slot (clickBase 50) and always prefer buying to leaving (outsideValue −100).
  const market = tinyMarket(
    [{ adBudget: 0 }, { adBudget: 10 }],
    [{ seller: 0 }, { seller: 0 }, { seller: 1, price: 12 }],
  )
  const params: MarketParams = {
    ...small,
    rounds: 1,
    sessionsPerRound: 2,
    slots: 1,
    buyer: { ...small.buyer, clickBase: 50, outsideValue: -100 },
  }

  it('hands the plugin, after each session, the slot shown, its click, the CPC and the purchase — a copy', async () => {
    const got: SessionFeedback[] = []
    const budgets: number[] = []
    const shown: number[] = []
    const sponsor = probe('sponsor', ({ market: view }) => ({
      rank(_session, slots) {
        budgets.push(view.sellers.budgetLeft[1])
        slots.push(2, 0.5)
      },
      onSession(feedback) {
        got.push({
          ...feedback,
          products: Array.from(feedback.products).slice(0, 1),
          cpc: Array.from(feedback.cpc).slice(0, 1),
          clicked: Array.from(feedback.clicked).slice(0, 1),
        })
        ;(feedback.products as unknown as Int32Array)[0] = 0 // its own copy: the engine's books keep product 2
      },
    }))
    const seenByCollector = defineCollector<null>({
      name: 'shown',
      create: () => ({ session: (o) => void shown.push(o.products[0]), result: () => null }),
    })
    await runMarket({
      plugin: sponsor,
      params: {},
      market: params,
      catalog: market,
      seed: 1,
      collectors: [seenByCollector],
    })
    const expected = {
      round: 0,
      kind: 'search',
      buyer: 0,
      category: 0,
      count: 1,
      products: [2],
      cpc: [0.5],
      clicked: [1],
      purchasedSlot: 0,
      retailPrice: 12,
    }
    expect(got).toEqual([expected, expected])
    // The click charged 0.5 to seller 1, and the plugin's view of the budget shows it at the next session.
    expect(budgets).toEqual([10, 9.5])
    expect(shown).toEqual([2, 2])
  })

  it('costs nothing when a plugin does not declare it: relevance runs as before', async () => {
    expect(
      relevance.create({ market: market as unknown as MarketView, params: {}, rng: Math.random, k: 1 }).onSession,
    ).toBeUndefined()
  })
})

describe('errors name the plugin', () => {
  it("an exception in rank() names plugin, seed, round, hook and the plugin file's line", async () => {
    const thrower = await loadPlugin('test/fixtures/plugins/throws-in-round-1.ts')
    let error: unknown
    try {
      await run(thrower)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(PluginError)
    const e = error as PluginError
    expect({ plugin: e.plugin, seed: e.seed, round: e.round, hook: e.hook, location: e.location }).toEqual({
      plugin: 'thrower',
      seed: 1,
      round: 1,
      hook: 'rank',
      location: 'test/fixtures/plugins/throws-in-round-1.ts:10:38',
    })
    expect(e.message).toBe(
      'plugin "thrower", seed 1, round 1, rank() at test/fixtures/plugins/throws-in-round-1.ts:10:38: ' +
        'RangeError: no more ranking',
    )
  })
})

describe('rounds.csv ndcg_at_10', () => {
  it("is each round's mean NDCG@10, and the rounds' ranked sessions weight back to the run's", async () => {
    const o = await run(relevance)
    const { ndcgSum, ndcgByRound } = o.collected.get(rankingQuality)
    expect(ndcgByRound).toHaveLength(small.rounds)
    expect(ndcgByRound.reduce((a, b) => a + b, 0)).toBeCloseTo(ndcgSum, 9)
    expect(ROUND_METRICS.at(-1)!.name).toBe('ndcg_at_10')
  })
})
