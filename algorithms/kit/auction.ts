import { z } from 'zod'
import type { ReadonlyColumn } from './contract.ts'
import { topK } from './topk.ts'

/** How sponsored slots are charged; every rule allocates them the same way, on bid × quality. */
export const AD_PRICING_RULES = ['gsp', 'first', 'vcg'] as const
export type AdPricing = (typeof AD_PRICING_RULES)[number]

/** The parameter a plugin declares to let users pick the pricing rule (default: generalized second price). */
export const adPricingParam = () => z.enum(AD_PRICING_RULES).default('gsp')

export interface AuctionRules {
  pricing: AdPricing
  /** Minimum CPC in dollars; bids below it do not take part. */
  reserve: number
  /** Added to the GSP charge (Alibaba's one cent); not used by first price or VCG. */
  increment: number
  /**
   * Click-through weight of each ad slot, best slot first, non-increasing (VCG only): the chance a
   * buyer examines the slot, e.g. examinationWeights at the sponsored positions.
   */
  slotWeights?: ArrayLike<number>
}

/**
 * A position auction ranked on score = bid × quality (the form Amazon's and Alibaba's ad help pages
 * describe; see docs/SOURCES.md). Entries with bid < reserve, bid ≤ 0 or quality ≤ 0 do not take part.
 * The winner at rank r (0-based, s_j the score at rank j, 0 past the last bidder) pays per click:
 * - gsp:   min(bid_r, max(reserve, s_{r+1} / quality_r + increment)), what keeps its place;
 * - first: bid_r, its own bid;
 * - vcg:   min(bid_r, max(reserve, E_r / (α_r × quality_r))), with α_j the slot weights (α_m = 0 for
 *          m slots) and E_r = Σ_{j=r..m-1} (α_j − α_{j+1}) × s_{j+1}, the value the bidders below it
 *          lose by its presence (each would move up one slot), spread over its expected clicks
 *          α_r × quality_r. Since α is non-increasing, E_r ≤ α_r × s_{r+1}: VCG never charges more than GSP.
 * Writes entry indices (into bids/quality) best first to winners and their CPCs to prices; returns the count.
 */
export function positionAuction(
  bids: ReadonlyColumn,
  quality: ReadonlyColumn,
  n: number,
  slotCount: number,
  rules: AuctionRules,
  scratch: { score: Float64Array; order: Int32Array },
  winners: Int32Array,
  prices: Float64Array,
): number {
  const { pricing, reserve, increment, slotWeights } = rules
  if (pricing === 'vcg' && (!slotWeights || slotWeights.length < slotCount))
    throw new RangeError(`VCG pricing needs a click-through weight for each of the ${slotCount} ad slots`)
  const score = scratch.score
  for (let i = 0; i < n; i++) {
    const b = bids[i]
    const q = quality[i]
    score[i] = b >= reserve && b > 0 && q > 0 ? b * q : -Infinity
  }
  const order = scratch.order
  const ranked = topK(score, n, Math.min(slotCount + 1, order.length), order)
  const count = Math.min(slotCount, ranked, winners.length)
  const scoreAt = (rank: number) => (rank < ranked ? score[order[rank]] : 0)
  for (let r = 0; r < count; r++) {
    const i = order[r]
    winners[r] = i
    if (pricing === 'first') prices[r] = bids[i]
    else if (pricing === 'gsp')
      prices[r] = Math.min(bids[i], Math.max(reserve, scoreAt(r + 1) / quality[i] + increment))
    else {
      const alpha = slotWeights!
      let externality = 0
      for (let j = r; j < slotCount; j++)
        externality += (alpha[j] - (j + 1 < slotCount ? alpha[j + 1] : 0)) * scoreAt(j + 1)
      prices[r] = Math.min(bids[i], Math.max(reserve, externality / (alpha[r] * quality[i])))
    }
  }
  return count
}

/** Generalized second-price auction: positionAuction with the 'gsp' rule. */
export function gspAuction(
  bids: ReadonlyColumn,
  quality: ReadonlyColumn,
  n: number,
  slotCount: number,
  reserve: number,
  increment: number,
  scratch: { score: Float64Array; order: Int32Array },
  winners: Int32Array,
  prices: Float64Array,
): number {
  return positionAuction(bids, quality, n, slotCount, { pricing: 'gsp', reserve, increment }, scratch, winners, prices)
}

/** Scratch buffers for an auction over n candidates and up to k slots. */
export function auctionScratch(maxCandidates: number, k: number): { score: Float64Array; order: Int32Array } {
  return { score: new Float64Array(maxCandidates), order: new Int32Array(k + 1) }
}
