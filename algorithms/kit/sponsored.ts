import { placePinned } from './ads.ts'
import { auctionScratch, gspAuction } from './auction.ts'
import type { Session } from './contract.ts'
import { growFloat64, growInt32 } from './buffers.ts'
import type { Slots } from './slots.ts'
import { topK } from './topk.ts'

/**
 * A search page with sponsored slots: a GSP auction fills fixed positions, organic results fill
 * the rest. Per session a plugin calls `prepare(n)`, writes each candidate's organic score
 * (-Infinity hides it), CPC bid (0 = not in the auction) and ad quality, then calls `fill`.
 */
export class SponsoredPage {
  organicScore = new Float64Array(1024)
  bids = new Float64Array(1024)
  adQuality = new Float64Array(1024)
  private readonly positions: number[]
  private scratch: ReturnType<typeof auctionScratch>
  private readonly winners: Int32Array
  private readonly prices: Float64Array
  private readonly ads: Int32Array
  private order: Int32Array<ArrayBuffer>
  private organic: Int32Array<ArrayBuffer>

  /** positions: 1-based sponsored positions (those beyond k are dropped); reserve and increment in dollars. */
  constructor(
    private readonly k: number,
    positions: readonly number[],
    private readonly reserve: number,
    private readonly increment: number,
  ) {
    this.positions = positions.map((p) => p - 1).filter((p) => p < k).sort((a, b) => a - b)
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

  /** Runs the auction on bid × ad quality and fills the slots: winners at their positions, organic results around them. */
  fill(session: Session, slots: Slots): void {
    const { n, candidates } = session
    const adCount = gspAuction(this.bids, this.adQuality, n, this.positions.length, this.reserve, this.increment, this.scratch, this.winners, this.prices)
    for (let j = 0; j < adCount; j++) this.ads[j] = candidates[this.winners[j]]
    this.order = growInt32(this.order, this.k + adCount)
    this.organic = growInt32(this.organic, this.k + adCount)
    const got = topK(this.organicScore, n, this.k + adCount, this.order)
    for (let j = 0; j < got; j++) this.organic[j] = candidates[this.order[j]]
    placePinned(slots, this.positions, this.ads, this.prices, adCount, this.organic, got)
  }
}
