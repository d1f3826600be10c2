import type { ReadonlyColumn } from './contract.ts'
import { topK } from './topk.ts'

/**
 * Generalized second-price auction ranked on bid × quality (the form Amazon's and Alibaba's ad
 * help pages describe; see DESIGN.md). Entries with bid < reserve or quality ≤ 0 do not take part.
 * A winner pays what it would have needed to keep its place:
 *   price_i = min(bid_i, max(reserve, score_{i+1} / quality_i + increment))
 * with score_{i+1} the next entry's bid × quality (0 for the last bidder).
 * Writes entry indices (into bids/quality) best first to winners and their CPCs to prices; returns the count.
 */
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
  const score = scratch.score
  for (let i = 0; i < n; i++) {
    const b = bids[i]
    const q = quality[i]
    score[i] = b >= reserve && b > 0 && q > 0 ? b * q : -Infinity
  }
  const ranked = topK(score, n, Math.min(slotCount + 1, scratch.order.length), scratch.order)
  const count = Math.min(slotCount, ranked, winners.length)
  for (let r = 0; r < count; r++) {
    const i = scratch.order[r]
    const nextScore = r + 1 < ranked ? score[scratch.order[r + 1]] : 0
    winners[r] = i
    prices[r] = Math.min(bids[i], Math.max(reserve, nextScore / quality[i] + increment))
  }
  return count
}

/** Scratch buffers for gspAuction sized for n candidates and up to k slots. */
export function auctionScratch(maxCandidates: number, k: number): { score: Float64Array; order: Int32Array } {
  return { score: new Float64Array(maxCandidates), order: new Int32Array(k + 1) }
}
