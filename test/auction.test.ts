import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import amazon from '../algorithms/amazon.ts'
import { type AdPricing, auctionScratch, positionAuction } from '../algorithms/kit/auction.ts'
import { Slots } from '../algorithms/kit/slots.ts'
import { SponsoredPage, sponsoredSlotsProblem } from '../algorithms/kit/sponsored.ts'
import { searchSession } from '../bench/check/session.ts'
import { refuseMeaninglessParams } from '../bench/plugins/params.ts'

// Scores (bid × quality): a 2×0.5 = 1.0, b 1×0.8 = 0.8, c 3×0.2 = 0.6, d below the reserve.
const BIDS = Float64Array.from([2, 1, 3, 0.01])
const QUALITY = Float64Array.from([0.5, 0.8, 0.2, 1])
const WEIGHTS = [1, 0.5]

function auction(pricing: AdPricing, increment = 0.01, bids = BIDS, quality = QUALITY, weights = WEIGHTS) {
  const slots = weights.length
  const winners = new Int32Array(slots)
  const prices = new Float64Array(slots)
  const count = positionAuction(
    bids,
    quality,
    bids.length,
    slots,
    { pricing, reserve: 0.02, increment, slotWeights: weights },
    auctionScratch(bids.length, slots),
    winners,
    prices,
  )
  return { winners: Array.from(winners.subarray(0, count)), prices: Array.from(prices.subarray(0, count)) }
}

describe('position auction pricing rules', () => {
  it('allocates on bid × quality under every rule', () => {
    for (const rule of ['gsp', 'first', 'vcg'] as const) expect(auction(rule).winners).toEqual([0, 1])
  })

  it('first price charges each winner its own bid', () => {
    expect(auction('first').prices).toEqual([2, 1])
  })

  it('GSP charges the next score over own quality plus the increment', () => {
    const [a, b] = auction('gsp').prices
    expect(a).toBeCloseTo(0.8 / 0.5 + 0.01, 12) // 1.61
    expect(b).toBeCloseTo(0.6 / 0.8 + 0.01, 12) // 0.76
  })

  it('VCG charges the externality on the bidders below, per expected click', () => {
    const [a, b] = auction('vcg').prices
    // a, in slot 1: without it b moves up from slot 2 to 1 and c into slot 2:
    // E = (α1 − α2)·s_b + (α2 − 0)·s_c = 0.5·0.8 + 0.5·0.6 = 0.7;
    // per click 0.7 / (α1·q_a) = 0.7 / 0.5 = 1.4.
    expect(a).toBeCloseTo(1.4, 12)
    // b, in the last slot: E = α2·s_c = 0.5·0.6 = 0.3; per click 0.3 / (0.5·0.8) = 0.75, GSP without the increment.
    expect(b).toBeCloseTo(0.75, 12)
  })

  it('VCG with nobody below pays the reserve, and refuses to run without slot weights', () => {
    expect(auction('vcg', 0, Float64Array.from([5]), Float64Array.from([1])).prices).toEqual([0.02])
    expect(() =>
      positionAuction(
        BIDS,
        QUALITY,
        4,
        2,
        { pricing: 'vcg', reserve: 0, increment: 0 },
        auctionScratch(4, 2),
        new Int32Array(2),
        new Float64Array(2),
      ),
    ).toThrow(/VCG pricing needs a click-through weight/)
  })

  it('per winner, first price ≥ GSP ≥ VCG (no increment) on any bids and non-increasing slot weights', () => {
    const positive = fc.double({ min: 0.05, max: 10, noNaN: true })
    fc.assert(
      fc.property(
        fc.array(fc.tuple(positive, fc.double({ min: 0.01, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (entries, rawWeights) => {
          const bids = Float64Array.from(entries.map((e) => e[0]))
          const quality = Float64Array.from(entries.map((e) => e[1]))
          const weights = [...rawWeights].sort((x, y) => y - x)
          const [first, gsp, vcg] = (['first', 'gsp', 'vcg'] as const).map((rule) =>
            auction(rule, 0, bids, quality, weights),
          )
          expect(gsp.winners).toEqual(first.winners)
          expect(vcg.winners).toEqual(first.winners)
          first.prices.forEach((price, r) => {
            expect(price).toBeGreaterThanOrEqual(gsp.prices[r])
            expect(gsp.prices[r]).toBeGreaterThanOrEqual(vcg.prices[r] - 1e-12)
          })
        },
      ),
    )
  })
})

describe('sponsored-slot parameters', () => {
  it('refuses positions beyond k, repeated positions and more slots than positions, naming the key', () => {
    expect(sponsoredSlotsProblem({ adSlots: 2, adPositions: [100, 200] }, 20)).toEqual({
      key: 'adPositions',
      message: 'position 100 is beyond the 20 slots a session shows in this scenario',
    })
    expect(sponsoredSlotsProblem({ adSlots: 4, adPositions: [1, 1, 1, 1] }, 20)?.key).toBe('adPositions')
    expect(sponsoredSlotsProblem({ adSlots: 9, adPositions: [1, 2, 3, 4, 11, 16] }, 20)?.key).toBe('adSlots')
    expect(sponsoredSlotsProblem({ adSlots: 6, adPositions: [1, 2, 3, 4, 11, 16] }, 20)).toBeUndefined()
    expect(sponsoredSlotsProblem({ adSlots: 0, adPositions: [] }, 1)).toBeUndefined()
  })

  it('refuseMeaninglessParams names plugin, key and value; the page refuses what validation would', () => {
    const params = amazon.params.parse({ adPositions: [1, 1, 1, 1], adSlots: 4 })
    expect(() => refuseMeaninglessParams([{ plugin: amazon, params }], 20)).toThrow(
      'amazon.adPositions=[1,1,1,1]: position 1 is listed twice; each position holds one ad',
    )
    expect(() => refuseMeaninglessParams([{ plugin: amazon, params: amazon.params.parse({}) }], 20)).not.toThrow()
    expect(() => refuseMeaninglessParams([{ plugin: amazon, params: amazon.params.parse({}) }], 10)).toThrow(
      /amazon\.adPositions=\[1,2,3,4,11,16\]: position 11 is beyond the 10 slots/,
    )
    expect(() => new SponsoredPage(3, [4], 0, 0)).toThrow(/position 4 is beyond the 3 slots/)
  })

  it('SponsoredPage charges by the rule it is given, at its positions', () => {
    const session = searchSession([10, 11, 12], [1, 1, 1], 3)
    const charged = (pricing: AdPricing) => {
      const page = new SponsoredPage(3, [1, 3], 0.02, 0.01, pricing)
      const { organicScore, bids, adQuality } = page.prepare(3)
      organicScore.set([3, 2, 1])
      bids.set([2, 1, 3])
      adQuality.set([0.5, 0.8, 0.2])
      const slots = new Slots(3)
      page.fill(session, slots)
      return { products: Array.from(slots.products), cpc: Array.from(slots.cpc) }
    }
    // Weights at positions 1 and 3: 1/log2(2) = 1 and 1/log2(4) = 0.5, as in the hand-worked case above.
    expect(charged('first')).toEqual({ products: [10, 12, 11], cpc: [2, 0, 1] })
    const vcg = charged('vcg')
    expect(vcg.products).toEqual([10, 12, 11])
    expect(vcg.cpc[0]).toBeCloseTo(1.4, 12)
    expect(vcg.cpc[2]).toBeCloseTo(0.75, 12)
  })
})
