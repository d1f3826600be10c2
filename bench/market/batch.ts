import type { Session } from '../../algorithms/kit/contract.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { CandidateIndex } from './candidate-index.ts'
import type { MarketRun } from './run.ts'

/** What settling a drawn session needs again once the plugin has ranked the round. */
interface Drawn {
  buyer: number
  category: number
  session: number
  /** The engine's copies of the retrieved candidates and their true relevance. */
  candidates: Int32Array
  relevance: Float64Array
  /** The session the plugin ranked and the slots it filled; absent when there was no candidate. */
  slots?: Slots
}

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
  const drawn: Drawn[] = []
  const sessions: Session[] = []
  const slots: Slots[] = []
  for (let s = 0; s < run.sessionsPerRound; s++) {
    const n = run.drawSession(round)
    const d: Drawn = {
      buyer: o.buyer,
      category: o.category,
      session: o.session,
      candidates: o.candidates.slice(0, n),
      relevance: o.relevance.slice(0, n),
    }
    if (n > 0) {
      const session = run.ownSession(round, o.buyer, o.category, n)
      if (s < capture) run.capture(session)
      d.slots = new Slots(run.k)
      sessions.push(session)
      slots.push(d.slots)
    }
    drawn.push(d)
  }
  await run.rankBatch(round, sessions, slots)
  const index = new CandidateIndex(run.maxCandidates)
  const indexOf = (product: number) => index.indexOf(product)
  for (const [s, d] of drawn.entries()) {
    tick(s)
    o.round = round
    o.buyer = d.buyer
    o.category = d.category
    o.session = d.session
    o.n = d.candidates.length
    o.candidates = d.candidates
    o.relevance = d.relevance
    run.slots.clear()
    if (!d.slots) {
      const pending = run.settle(null)
      if (pending) await pending
      continue
    }
    index.clear()
    for (let i = 0; i < d.candidates.length; i++) index.add(d.candidates[i], i)
    // The plugin's slots are checked as they are, then copied into the engine's own.
    const pending = run.settle(indexOf, d.slots)
    if (pending) await pending
  }
}
