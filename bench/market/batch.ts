import type { Session } from '../../algorithms/kit/contract.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { CandidateIndex } from './candidate-index.ts'
import type { MarketRun } from './run.ts'

/**
 * A round's drawn sessions, end to end in buffers kept from round to round: fresh memory is paid for
 * in page faults (about 3 ms a MB on the development VM, more than the copying), and a round of the
 * default scenario holds 2.8 million candidates. The engine's copies (candidates, true relevance) and
 * the plugin's (candidates, estimated relevance) are separate, so a plugin that writes its own changes
 * nothing the buyers see; a session's arrays are views of the plugin's buffers at `offsets[i]`, so a
 * plugin in another process is sent them as they are.
 */
export class RoundBuffers {
  readonly offsets: Int32Array
  readonly buyer: Int32Array
  readonly category: Int32Array
  readonly session: Int32Array
  candidates = new Int32Array(0)
  trueRelevance = new Float64Array(0)
  pluginCandidates = new Int32Array(0)
  pluginRelevance = new Float64Array(0)
  readonly slots: Slots[]

  constructor(sessions: number, k: number) {
    this.offsets = new Int32Array(sessions + 1)
    this.buyer = new Int32Array(sessions)
    this.category = new Int32Array(sessions)
    this.session = new Int32Array(sessions)
    this.slots = Array.from({ length: sessions }, () => new Slots(k))
  }

  /** Room for `total` candidates, what was written kept. */
  reserve(total: number): void {
    if (total <= this.candidates.length) return
    const size = Math.max(total, 2 * this.candidates.length, 64 * this.slots.length)
    const grow = <T extends Int32Array | Float64Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(size)
      b.set(a)
      return b
    }
    this.candidates = grow(this.candidates, Int32Array)
    this.trueRelevance = grow(this.trueRelevance, Float64Array)
    this.pluginCandidates = grow(this.pluginCandidates, Int32Array)
    this.pluginRelevance = grow(this.pluginRelevance, Float64Array)
  }
}

const buffersOf = new WeakMap<MarketRun, RoundBuffers>()

/**
 * A round in batch mode: every session is drawn first (the same visits, retrieval and estimated
 * relevance as in session mode), the plugin ranks them all at once (`rankBatch`, which may take its
 * time: a Promise is awaited), and the buyers act on the slates in session order. The plugin sees the
 * market as of the round's start, as a production ranker sees features refreshed once a day; one that
 * reads no market state ranks exactly as in session mode.
 */
export async function runBatchRound(
  run: MarketRun,
  round: number,
  capture: number,
  tick: (session: number) => void,
): Promise<void> {
  const o = run.outcome
  const count = run.sessionsPerRound
  const b = buffersOf.get(run) ?? new RoundBuffers(count, run.k)
  buffersOf.set(run, b)
  const { offsets } = b
  for (let s = 0; s < count; s++) {
    const n = run.drawSession(round)
    const at = offsets[s]
    b.reserve(at + n)
    b.buyer[s] = o.buyer
    b.category[s] = o.category
    b.session[s] = o.session
    b.candidates.set(o.candidates.subarray(0, n), at)
    b.trueRelevance.set(o.relevance.subarray(0, n), at)
    if (n > 0)
      run.copyForPlugin(
        o.buyer,
        o.category,
        n,
        b.pluginCandidates.subarray(at, at + n),
        b.pluginRelevance.subarray(at, at + n),
      )
    offsets[s + 1] = at + n
  }
  // Views are taken once every session is drawn: the buffers may have grown meanwhile.
  const sessions: Session[] = []
  const slots: Slots[] = []
  const kind = run.sessionKind
  for (let s = 0; s < count; s++) {
    const [from, to] = [offsets[s], offsets[s + 1]]
    if (to === from) continue
    const { buyer, category } = { buyer: b.buyer[s], category: b.category[s] }
    const candidates = b.pluginCandidates.subarray(from, to)
    const relevance = b.pluginRelevance.subarray(from, to)
    const session: Session = { round, kind, buyer, category, k: run.k, n: to - from, candidates, relevance }
    if (s < capture) run.capture(session)
    b.slots[s].clear()
    sessions.push(session)
    slots.push(b.slots[s])
  }
  await run.rankBatch(round, sessions, slots)
  const index = new CandidateIndex(run.maxCandidates)
  const indexOf = (product: number) => index.indexOf(product)
  for (let s = 0; s < count; s++) {
    tick(s)
    const [from, to] = [offsets[s], offsets[s + 1]]
    o.round = round
    o.buyer = b.buyer[s]
    o.category = b.category[s]
    o.session = b.session[s]
    o.n = to - from
    o.candidates = b.candidates.subarray(from, to)
    o.relevance = b.trueRelevance.subarray(from, to)
    run.slots.clear()
    if (to === from) {
      const pending = run.settle(null)
      if (pending) await pending
      continue
    }
    index.clear()
    for (let i = from; i < to; i++) index.add(b.candidates[i], i - from)
    // The plugin's slots are checked as they are, then copied into the engine's own.
    const pending = run.settle(indexOf, b.slots[s])
    if (pending) await pending
  }
}
