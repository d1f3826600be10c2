import { growFloat64, growInt32 } from './buffers.ts'
import type { Session } from './contract.ts'
import type { Slots } from './slots.ts'
import { topK } from './topk.ts'

/**
 * A page ranked by one score per candidate: per session, `prepare(n)` returns the score buffer to
 * write (-Infinity hides a candidate), and `fill` shows the k best in score order.
 */
export class ScoredPage {
  private scores = new Float64Array(1024)
  private order = new Int32Array(64)

  prepare(n: number): Float64Array {
    this.scores = growFloat64(this.scores, n)
    return this.scores
  }

  /** Pushes the best candidates into the free slots; returns how many it placed. */
  fill(session: Session, slots: Slots): number {
    const want = slots.capacity - slots.count
    this.order = growInt32(this.order, want)
    const got = topK(this.scores, session.n, want, this.order)
    for (let j = 0; j < got; j++) slots.push(session.candidates[this.order[j]])
    return got
  }
}
