import { placePinned } from './ads.ts'
import { examinationWeights } from './attention.ts'
import { type AdPricing, type AuctionRules, auctionScratch, positionAuction } from './auction.ts'
import { growFloat64, growInt32 } from './buffers.ts'
import type { ParamProblem, Session } from './contract.ts'
import type { Slots } from './slots.ts'
import { topK } from './topk.ts'

/** A plugin's sponsored-slot parameters: the first adSlots of adPositions (1-based) carry ads. */
export interface SponsoredSlotParams {
  adSlots: number
  adPositions: readonly number[]
}

/**
 * What makes sponsored-slot parameters meaningless on a page of k slots: a position beyond k, a
 * position listed twice, or more ad slots than listed positions. Plugins call it from `validate`.
 */
export function sponsoredSlotsProblem(
  { adSlots, adPositions }: SponsoredSlotParams,
  k: number,
): ParamProblem | undefined {
  const beyond = adPositions.find((p) => p > k)
  if (beyond !== undefined)
    return {
      key: 'adPositions',
      message: `position ${beyond} is beyond the ${k} slots a session shows in this scenario`,
    }
  const twice = adPositions.find((p, i) => adPositions.indexOf(p) !== i)
  if (twice !== undefined)
    return { key: 'adPositions', message: `position ${twice} is listed twice; each position holds one ad` }
  if (adSlots > adPositions.length) {
    const positions = adPositions.length
    return {
      key: 'adSlots',
      message: `${adSlots} ad slots but adPositions lists ${positions} positions; give a position for each slot`,
    }
  }
  return undefined
}

/**
 * A search page with sponsored slots: a position auction (GSP, first price or VCG) fills fixed
 * positions, organic results fill the rest. Per session a plugin calls `prepare(n)`, writes each candidate's organic
 * score
 * (-Infinity hides it), CPC bid (0 = not in the auction) and ad quality, then calls `fill`.
 */
export class SponsoredPage {
  organicScore = new Float64Array(1024)
  bids = new Float64Array(1024)
  adQuality = new Float64Array(1024)
  private readonly positions: number[]
  private readonly rules: AuctionRules
  private scratch: ReturnType<typeof auctionScratch>
  private readonly winners: Int32Array
  private readonly prices: Float64Array
  private readonly ads: Int32Array
  private order: Int32Array<ArrayBuffer>
  private organic: Int32Array<ArrayBuffer>

  /**
   * positions: 1-based sponsored positions, each at most k and listed once; reserve and increment in
   * dollars; pricing: how winners are charged (VCG weighs each position by the kit's examination weight).
   */
  constructor(
    private readonly k: number,
    positions: readonly number[],
    reserve: number,
    increment: number,
    pricing: AdPricing = 'gsp',
  ) {
    const problem = sponsoredSlotsProblem({ adSlots: positions.length, adPositions: positions }, k)
    if (problem) throw new RangeError(`SponsoredPage: ${problem.key}: ${problem.message}`)
    this.positions = positions.map((p) => p - 1).sort((a, b) => a - b)
    const attention = examinationWeights(k)
    this.rules = { pricing, reserve, increment, slotWeights: this.positions.map((p) => attention[p]) }
    this.scratch = auctionScratch(1024, this.positions.length)
    this.winners = new Int32Array(this.positions.length)
    this.prices = new Float64Array(this.positions.length)
    this.ads = new Int32Array(this.positions.length)
    this.order = new Int32Array(2 * k)
    this.organic = new Int32Array(2 * k)
  }

  /** Makes room for n candidates; returns the three arrays to write. */
  prepare(n: number): { organicScore: Float64Array; bids: Float64Array; adQuality: Float64Array } {
    this.organicScore = growFloat64(this.organicScore, n)
    this.bids = growFloat64(this.bids, n)
    this.adQuality = growFloat64(this.adQuality, n)
    if (this.scratch.score.length < n) this.scratch = auctionScratch(n, this.positions.length)
    return this
  }

  /**
   * Runs the auction on bid × ad quality and fills the slots: winners at their positions, organic results around them.
   */
  fill(session: Session, slots: Slots): void {
    const { n, candidates } = session
    const adCount = positionAuction(
      this.bids,
      this.adQuality,
      n,
      this.positions.length,
      this.rules,
      this.scratch,
      this.winners,
      this.prices,
    )
    for (let j = 0; j < adCount; j++) this.ads[j] = candidates[this.winners[j]]
    this.order = growInt32(this.order, this.k + adCount)
    this.organic = growInt32(this.organic, this.k + adCount)
    const got = topK(this.organicScore, n, this.k + adCount, this.order)
    for (let j = 0; j < got; j++) this.organic[j] = candidates[this.order[j]]
    placePinned(slots, this.positions, this.ads, this.prices, adCount, this.organic, got)
  }
}
