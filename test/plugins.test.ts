import { describe, expect, it } from 'vitest'
import aliexpress from '../algorithms/aliexpress.ts'
import amazon from '../algorithms/amazon.ts'
import amazonHaul from '../algorithms/amazon-haul.ts'
import fairExposure from '../algorithms/fair-exposure.ts'
import { placePinned } from '../algorithms/kit/ads.ts'
import { auctionScratch, gspAuction } from '../algorithms/kit/auction.ts'
import { Slots } from '../algorithms/kit/slots.ts'
import { topK } from '../algorithms/kit/topk.ts'
import random from '../algorithms/random.ts'
import relevance from '../algorithms/relevance.ts'
import temu from '../algorithms/temu.ts'
import tiktok from '../algorithms/tiktok.ts'
import { rankOnce, searchSession } from '../bench/check/session.ts'
import { makeRng } from '../core/rng.ts'
import { tinyMarket } from '../datasets/tiny.ts'

describe('kit helpers', () => {
  it('topK returns the best k, best first, ties to the lower index, skipping -Infinity and NaN', () => {
    const out = new Int32Array(3)
    expect(topK(Float64Array.from([0.1, 0.9, -Infinity, 0.5, 0.9, NaN]), 6, 3, out)).toBe(3)
    expect(Array.from(out)).toEqual([1, 4, 3])
    expect(topK(Float64Array.from([-Infinity, 2]), 2, 3, out)).toBe(1)
  })

  it('GSP charges each winner what keeps its rank: next score / own quality + increment, capped at its bid', () => {
    // Scores: a 2×0.5 = 1.0, b 1×0.8 = 0.8, c 3×0.2 = 0.6, d below reserve.
    const bids = Float64Array.from([2, 1, 3, 0.01])
    const quality = Float64Array.from([0.5, 0.8, 0.2, 1])
    const winners = new Int32Array(2)
    const prices = new Float64Array(2)
    const n = gspAuction(bids, quality, 4, 2, 0.02, 0.01, auctionScratch(4, 2), winners, prices)
    expect(n).toBe(2)
    expect(Array.from(winners)).toEqual([0, 1])
    expect(prices[0]).toBeCloseTo(0.8 / 0.5 + 0.01, 12) // 1.61
    expect(prices[1]).toBeCloseTo(0.6 / 0.8 + 0.01, 12) // 0.76
    // The last bidder pays max(reserve, 0 / q + increment) = the reserve.
    const one = gspAuction(
      Float64Array.from([5]),
      Float64Array.from([1]),
      1,
      2,
      0.02,
      0.01,
      auctionScratch(1, 2),
      winners,
      prices,
    )
    expect(one).toBe(1)
    expect(prices[0]).toBeCloseTo(0.02, 12)
    // Never above the winner's own bid: 0.995 / 1 + 0.01 = 1.005 is capped at the bid of 1.
    gspAuction(
      Float64Array.from([1, 0.995]),
      Float64Array.from([1, 1]),
      2,
      1,
      0.02,
      0.01,
      auctionScratch(2, 1),
      winners,
      prices,
    )
    expect(winners[0]).toBe(0)
    expect(prices[0]).toBe(1)
  })

  it('placePinned puts pinned items at their positions and skips them in the organic list', () => {
    const slots = new Slots(5)
    placePinned(slots, [0, 3], Int32Array.from([7, 8]), [0.5, 0.4], 2, Int32Array.from([1, 7, 2, 3, 4]), 5)
    expect(Array.from(slots.products)).toEqual([7, 1, 2, 8, 3])
    expect(Array.from(slots.cpc)).toEqual([0.5, 0, 0, 0.4, 0])
  })
})

describe('plugins on hand-made markets', () => {
  it('relevance ranks by relevance', () => {
    const m = tinyMarket([{}], [{ seller: 0 }, { seller: 0 }, { seller: 0 }])
    expect(rankOnce(relevance, m, searchSession([0, 1, 2], [0.2, 0.9, 0.5])).products).toEqual([1, 2, 0])
  })

  it('random shows k distinct candidates and uses its seeded generator', () => {
    const m = tinyMarket(
      [{}],
      Array.from({ length: 30 }, () => ({ seller: 0 })),
    )
    const session = searchSession(
      Array.from({ length: 30 }, (_, i) => i),
      Array(30).fill(0.5),
      10,
    )
    const shown = rankOnce(random, m, session).products
    expect(shown).toHaveLength(10)
    expect(new Set(shown).size).toBe(10)
    expect(rankOnce(random, m, session).products).toEqual(shown)
  })

  it(
    'temu gives an identical-product group to its cheapest offer, ' + 'then ranks by low price behind a relevance gate',
    () => {
      const m = tinyMarket(
        [{}, {}, {}],
        [
          { seller: 0, group: 0, price: 12 },
          { seller: 1, group: 0, price: 9 }, // cheapest of group 0
          { seller: 2, group: 0, price: 10 },
          { seller: 0, group: 1, price: 5 }, // alone, cheapest overall
          { seller: 1, group: 2, price: 1 }, // cheapest but irrelevant
        ],
      )
      const { products } = rankOnce(temu, m, searchSession([0, 1, 2, 3, 4], [0.9, 0.6, 0.9, 0.5, 0.1]))
      expect(products).toEqual([3, 1])
    },
  )

  it('aliexpress puts the highest bid × quality score on top and fills the top with paid slots', () => {
    const m = tinyMarket(
      [{ adBudget: 100 }, { adBudget: 100 }, { adBudget: 100 }, {}],
      [
        { seller: 0, bid: 1.0 },
        { seller: 1, bid: 3.0 }, // highest bid × quality
        { seller: 2, bid: 0.5 },
        { seller: 3, sales: 1000 }, // organic only
      ],
    )
    const { products, cpc } = rankOnce(aliexpress, m, searchSession([0, 1, 2, 3], [0.9, 0.9, 0.9, 0.9]))
    expect(products.slice(0, 3)).toEqual([1, 0, 2])
    expect(cpc.slice(0, 3).every((c) => c > 0)).toBe(true)
    // Second price: the next score over own quality plus a cent; equal qualities → next bid + 0.01.
    expect(cpc[0]).toBeCloseTo(1.01, 9)
    expect(products[3]).toBe(3)
    expect(cpc[3]).toBe(0)
  })

  it('amazon suppresses listings priced lower elsewhere, and only with price parity on', () => {
    const m = tinyMarket(
      [{}, {}],
      [
        { seller: 0, price: 10, priceElsewhere: 8, salesVelocity: 50 },
        { seller: 1, price: 10 },
      ],
    )
    const session = searchSession([0, 1], [0.9, 0.9])
    expect(rankOnce(amazon, m, session).products).toEqual([1])
    expect(rankOnce(amazon, m, session, { priceParity: false }).products).toEqual([0, 1])
  })

  it('amazon ranks organically by the sales flywheel and rating, and gates ads on relevance', () => {
    const m = tinyMarket(
      [{}, {}, { adBudget: 50 }, { adBudget: 50 }],
      [
        { seller: 0, salesVelocity: 1 },
        { seller: 1, salesVelocity: 40, reviews: 200, rating: 4.8 },
        { seller: 2, bid: 5 }, // big bid, irrelevant: below the ad relevance gate
        { seller: 3, bid: 0.5 },
      ],
    )
    const { products, cpc } = rankOnce(amazon, m, searchSession([0, 1, 2, 3], [0.8, 0.8, 0.2, 0.8]))
    expect(products[0]).toBe(3)
    expect(cpc[0]).toBeGreaterThanOrEqual(0.02)
    expect(cpc[0]).toBeLessThanOrEqual(0.5)
    expect(products).not.toContain(undefined)
    const sponsored = products.filter((_, i) => cpc[i] > 0)
    expect(sponsored).toEqual([3])
    // Organic: the flywheel product leads the unsponsored results.
    expect(products.filter((_, i) => cpc[i] === 0)[0]).toBe(1)
  })

  it('tiktok gives new items a first pool and promotes the engaging ones', () => {
    // Entrants' items are new (join round 1); an incumbent's item that never sold is not.
    const sellers = [
      { contentSkill: 0.9, joinRound: 1 },
      { contentSkill: 0.9, joinRound: 1 },
      { contentSkill: 0.1, joinRound: 1 },
      { contentSkill: 0.9 },
    ]
    const m = tinyMarket(sellers, [{ seller: 0 }, { seller: 1 }, { seller: 2 }, { seller: 3 }])
    const plugin = tiktok
    const params = plugin.params.parse({ poolViews: [2, 100], poolScale: 1, freshSlots: 1, promoteAt: 0.5 })
    const ranker = plugin.create({ market: m, params, rng: makeRng(1, 't'), k: 2 })
    const slots = new Slots(2)
    const session = searchSession([0, 1, 2, 3], [0.5, 0.5, 0.9, 0.5], 2, 'feed')
    const show = () => {
      slots.clear()
      ranker.rank(session, slots)
      return Array.from(slots.products.subarray(0, slots.count))
    }
    // Round 0: each item in its first pool; the fresh slot rotates through them as pools fill.
    const shown = [show(), show(), show()].flat()
    expect(new Set(shown)).toEqual(new Set([0, 1, 2]))
    expect(shown).not.toContain(3)
    // Item 0 engaged (clicks / views ≥ 0.5), items 1 and 2 did not.
    const views = [0, 1, 2].map((p) => shown.filter((x) => x === p).length)
    const clicks = Float64Array.from([views[0], 0, 0, 0])
    ranker.observe!({
      round: 0,
      impressions: new Float64Array(4),
      clicks,
      orders: new Float64Array(4),
      exposure: new Float64Array(4),
      sellerAdSpend: new Float64Array(4),
    })
    // Promoted item 0 now outranks the rest for the main slot.
    expect(show()[0]).toBe(0)
  })

  it('amazon-haul shows only items under $20 and under 1 lb, cheapest first', () => {
    const m = tinyMarket(
      [{}],
      [
        { seller: 0, price: 12, weightLb: 0.5 },
        { seller: 0, price: 25, weightLb: 0.3 }, // too expensive
        { seller: 0, price: 5, weightLb: 1.5 }, // too heavy
        { seller: 0, price: 8, weightLb: 0.9 },
        { seller: 0, price: 19.99, weightLb: 0.99 },
      ],
    )
    expect(rankOnce(amazonHaul, m, searchSession([0, 1, 2, 3, 4], [0.8, 0.8, 0.8, 0.8, 0.8])).products).toEqual([
      3, 0, 4,
    ])
  })

  it('fair-exposure gives the top slot to the product whose attention lags its merit most', () => {
    const m = tinyMarket(
      [{}, {}],
      [
        { seller: 0, quality: 0.9 },
        { seller: 1, quality: 0.9 },
      ],
    )
    const ranker = fairExposure.create({ market: m, params: fairExposure.params.parse({}), rng: makeRng(1, 't'), k: 1 })
    const slots = new Slots(1)
    const session = searchSession([0, 1], [0.9, 0.9], 1)
    const shown: number[] = []
    for (let s = 0; s < 6; s++) {
      slots.clear()
      ranker.rank(session, slots)
      shown.push(slots.products[0])
    }
    // Equal merit, one slot: the slot alternates, so attention stays equal over time.
    expect(shown).toEqual([0, 1, 0, 1, 0, 1])
    // Below the relevance bar nothing is owed and nothing is shown.
    expect(rankOnce(fairExposure, m, searchSession([0, 1], [0.1, 0.2])).products).toEqual([])
  })
})
