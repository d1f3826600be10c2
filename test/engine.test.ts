import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import amazon from '../algorithms/amazon.ts'
import { examinationWeights } from '../algorithms/kit/attention.ts'
import { definePlugin, type Plugin } from '../algorithms/kit/contract.ts'
import { Slots } from '../algorithms/kit/slots.ts'
import relevance from '../algorithms/relevance.ts'
import temu from '../algorithms/temu.ts'
import { runMarket } from '../bench/market/run.ts'
import { slotsError } from '../bench/market/slots-check.ts'
import { PluginOutputError } from '../bench/market/types.ts'
import { listingOutcomes } from '../bench/metrics/collectors/listing-outcomes.ts'
import { declaredPrices } from '../bench/metrics/collectors/market-trends.ts'
import { roundHistory } from '../bench/metrics/collectors/rounds.ts'
import { sellerCosts, sellerTotals } from '../bench/metrics/collectors/sellers.ts'
import { collectorsFor } from '../bench/metrics/definitions.ts'
import { summaryRow } from '../bench/metrics/summarize.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { generateCatalog } from '../datasets/generate.ts'

const scenario = loadScenario('small')
const market = { ...scenario.market, rounds: 4, sessionsPerRound: 150 }
const catalog = generateCatalog(scenario.catalog, 1, market.rounds)
const run = async (plugin: Plugin, params: Record<string, unknown> = {}) => {
  const o = await runMarket({
    plugin,
    params: plugin.params.parse(params),
    market,
    catalog,
    seed: 1,
    collectors: collectorsFor(),
  })
  return {
    ...o,
    ...o.totals,
    sellers: o.collected.get(sellerTotals),
    rounds: o.collected.get(roundHistory),
    listings: o.collected.get(listingOutcomes),
    costs: o.collected.get(sellerCosts),
    trends: o.collected.get(declaredPrices),
  }
}
const keys = { algorithm: 'amazon', variant: '', scenario: 'small', seed: 1 }
const sum = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0)

describe('output validation', () => {
  // Ten products; 0, 1 and 2 are the session's candidates.
  const candidateIndexOf = (p: number) => (p >= 0 && p <= 2 ? p : -1)
  const check = (products: number[], cpc: number[] = products.map(() => 0), k = 3) => {
    const slots = new Slots(products.length)
    products.forEach((p, i) => {
      slots.push(p, cpc[i])
    })
    return slotsError(slots, k, 10, candidateIndexOf)
  }
  it('accepts a valid fill', () => expect(check([2, 0], [0.3, 0])).toBeNull())
  it('rejects duplicates, non-candidates, out-of-range ids, bad CPCs and too many slots', async () => {
    expect(check([1, 1])).toMatch(/repeats product 1/)
    expect(check([7])).toMatch(/not a candidate/)
    expect(check([42])).toMatch(/not a product index/)
    expect(check([-1])).toMatch(/not a product index/)
    expect(check([0], [NaN])).toMatch(/CPC NaN/)
    expect(check([0], [-1])).toMatch(/CPC -1/)
    expect(check([0], [1e300])).toMatch(/CPC 1e\+300; a CPC must be a number from 0 to 1000 dollars/)
    expect(check([0, 1, 2], undefined, 2)).toMatch(/at most k = 2/)
  })
  it('stops a run whose plugin breaks the contract, naming the plugin and the round', async () => {
    const cheat = definePlugin({
      name: 'cheat',
      summary: 'shows the first candidate twice',
      claims: [],
      params: z.object({}),
      create: () => ({
        rank: (s, slots) => {
          slots.push(s.candidates[0])
          slots.push(s.candidates[0])
        },
      }),
    })
    await expect(run(cheat)).rejects.toThrowError(PluginOutputError)
    await expect(run(cheat)).rejects.toThrowError(
      /plugin "cheat", seed 1, round 0, rank\(\): returned bad slots: slot 2 repeats product/,
    )
  })
  it('a plugin cannot show the check one count and the books another, nor swap the buffers', async () => {
    const forge = (how: (slots: Slots) => void) =>
      definePlugin({
        name: 'forger',
        summary: 'fills one slot, then tampers with the slots object',
        claims: [],
        params: z.object({}),
        create: () => ({
          rank: (s, slots) => {
            slots.push(s.candidates[0])
            how(slots)
          },
        }),
      })
    let reads = 0
    const getter = forge((slots) => Object.defineProperty(slots, 'count', { get: () => (reads++ ? 20 : 0) }))
    await expect(run(getter)).rejects.toThrowError(/plugin "forger".*Cannot redefine property: count/)
    const swap = forge((slots) => Object.assign(slots, { products: new Int32Array(20) }))
    await expect(run(swap)).rejects.toThrowError(/plugin "forger".*read.only property 'products'/)
  })
})

describe('market engine', () => {
  it('is deterministic: the same seed gives the same tallies', async () => {
    const a = await run(amazon)
    const b = await run(amazon)
    expect(b.sellers).toEqual(a.sellers)
    expect(b.rounds.map((r) => r.totals.gmv)).toEqual(a.rounds.map((r) => r.totals.gmv))
  })

  it('a run handed the catalog itself writes it and gives the same results as a run on a fork', async () => {
    const own = generateCatalog(scenario.catalog, 1, market.rounds)
    const listedBefore = own.products.listed.slice()
    const pricesBefore = own.products.price.slice()
    const o = await runMarket({
      plugin: amazon,
      params: amazon.params.parse({}),
      market,
      catalog: own,
      ownsCatalog: true,
      seed: 1,
      collectors: collectorsFor(),
    })
    const forked = await runMarket({
      plugin: amazon,
      params: amazon.params.parse({}),
      market,
      catalog,
      seed: 1,
      collectors: collectorsFor(),
    })
    expect(o.market.products.price).toBe(own.products.price)
    expect(own.products.price).not.toEqual(pricesBefore) // the run repriced the catalog's own column
    expect(summaryRow(keys, o)).toEqual(summaryRow(keys, forked))
    // What stays for the metrics: the prices as generated (a copy), none of the other written columns.
    const generated = o.source.catalog!.asGenerated
    expect(generated.products.price).toEqual(pricesBefore)
    expect(Object.keys(generated.products)).not.toContain('listed')
    expect(Object.keys(generated.sellers)).not.toContain('active')
    expect(listedBefore).toEqual(catalog.products.listed) // the shared catalog itself was never written
  })

  it('keeps its books: exposure, impressions, orders and money add up', async () => {
    const o = await run(amazon)
    const exam = examinationWeights(market.slots)
    // Each impression adds its slot's examination weight: total exposure ≤ sessions × Σ weights.
    expect(sum(o.sellers.exposure)).toBeLessThanOrEqual(o.sessions * sum(exam) + 1e-6)
    expect(sum(o.sellers.impressions)).toBe(o.impressions)
    expect(o.orders).toBeLessThanOrEqual(o.sessions)
    expect(sum(o.sellers.orders)).toBe(o.orders)
    expect(sum(o.sellers.adSpend)).toBeCloseTo(o.adRevenue, 6)
    expect(o.sponsoredClicks).toBeGreaterThan(0)
    // Amazon's referral and FBA fees are what sellers paid.
    expect(sum(o.costs.fees)).toBeCloseTo(o.commission + o.fulfilmentFees, 6)
    expect(o.rounds).toHaveLength(market.rounds)
  })

  it('a plugin without ads sells no sponsored slots; the managed markup goes to the platform', async () => {
    const o = await run(temu, { markup: 2 })
    expect(o.sponsoredImpressions).toBe(0)
    expect(o.adRevenue).toBe(0)
    // Retail = 2 × declared and no referral fee: commission = GMV − seller revenue = GMV / 2.
    const revenue = sum(o.sellers.revenue)
    expect(o.commission).toBeCloseTo(o.gmv - revenue, 6)
    expect(o.commission).toBeCloseTo(o.gmv / 2, 6)
  })

  it('tallies what the facts are checked on: group winners, flagged listings, price trend', async () => {
    const t = await run(temu)
    const exact = (
      await runMarket({
        plugin: temu,
        params: temu.params.parse({}),
        market: { ...market, retrieval: { ...market.retrieval, relevanceNoise: 0 } },
        catalog,
        seed: 1,
        collectors: collectorsFor(),
      })
    ).collected.get(listingOutcomes)
    // Temu shows only a group's cheapest offer among those passing its relevance gate: with the true
    // relevance (noise 0) a group's offers pass alike and the cheapest takes all of its exposure;
    // with estimated relevance a cheaper offer the estimate puts under the gate loses some of it.
    expect(exact.contestedGroupExposure).toBeGreaterThan(0)
    expect(exact.cheapestOfferExposure / exact.contestedGroupExposure).toBeCloseTo(1, 9)
    expect(t.listings.cheapestOfferExposure / t.listings.contestedGroupExposure).toBeGreaterThan(0.8)
    expect(t.listings.contestedGroupExposure).toBeGreaterThan(0)
    // Losing offers cut prices: the mean declared price falls.
    expect(t.trends.stayersEndMean).toBeLessThan(t.trends.stayersStartMean)
    // Amazon with price parity never shows a listing priced lower elsewhere; without it, it does.
    expect((await run(amazon)).listings.flaggedExposure).toBe(0)
    expect((await run(amazon, { priceParity: false })).listings.flaggedExposure).toBeGreaterThan(0)
    // Outside price-first platforms no declared price changes (the listed mean moves only as sellers enter and exit).
    const r = await run(relevance)
    expect(Array.from(r.market.products.price)).toEqual(Array.from(catalog.products.price))
    // …so the change over the offers listed from start to end is exactly 0, whoever enters or exits.
    expect(r.trends.stayersEndMean).toBe(r.trends.stayersStartMean)
    // The catalog itself is never written: the run works on its own fork.
    expect(r.market.products.price).not.toBe(catalog.products.price)
    expect(r.market.products.quality).toBe(catalog.products.quality)
    expect(sum(r.sellers.revenue)).toBeCloseTo(r.gmv, 6)
  })

  it('lets entrants in on their join round and not before', async () => {
    const o = await run(relevance)
    const joined = Array.from(catalog.sellers.joinRound)
    for (let r = 0; r < market.rounds; r++) {
      const exposure = o.rounds[r].sellerExposure
      joined.forEach((j, s) => {
        if (j > r) expect(exposure[s]).toBe(0)
      })
    }
  })
})
