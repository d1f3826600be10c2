import type { Plugin, Session } from '../../algorithms/kit/contract.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { type Catalog, forkCatalog } from '../../core/catalog.ts'
import { makeRng } from '../../core/rng.ts'
import { emptyLoggedSession, type LoggedSession } from '../log/sessions.ts'
import { Book } from '../market/book.ts'
import { addRoundToCatalog } from '../market/ledger.ts'
import { frozenCopy, PluginHarness } from '../market/plugin-harness.ts'
import { slotsError } from '../market/slots-check.ts'
import type { SessionOutcome } from '../market/stream.ts'
import { PluginOutputError } from '../market/types.ts'
import type { CandidateBlock } from './candidates.ts'
import type { CalibratedBuyer } from './click-model.ts'

/** One visit on its way: the logged session, the plugin's view of it, its slots. */
interface Visit {
  logged: LoggedSession
  session: Session
  slots: Slots
  id: number
}

/** A logged session's own copy (the spool's object is reused for the next). */
function copyOf(s: LoggedSession): LoggedSession {
  const n = s.count
  return {
    ...s,
    product: s.product.slice(0, n),
    position: s.position.slice(0, n),
    sponsored: s.sponsored.slice(0, n),
    clicked: s.clicked.slice(0, n),
    cpc: s.cpc.slice(0, n),
    relevance: s.relevance.slice(0, n),
    propensity: s.propensity.slice(0, n),
  }
}

/** The name of the pseudo-plugin that shows each session's products in the logged order. */
export const LOGGED = 'logged'

/** What one log-driven session gives the measurers: the plugin's slate as the calibrated buyer met it, and more. */
export interface LoggedSessionResult {
  /** The slate in log numbering (LogTables order), with the simulated clicks and purchase: a LoggedSession. */
  shown: LoggedSession
  /** The direct method's expected clicks, order probability and value bought. */
  expected: { clicks: number; order: number; value: number }
  /** The logged session, and each of its impressions' importance weight for this plugin. */
  logged: LoggedSession
  weight: Float64Array
}

export interface LoggedRunOptions {
  /** A plugin, or null for the logged order. */
  plugin: Plugin | null
  params: Record<string, unknown>
  file?: string
  catalog: Catalog
  buyer: CalibratedBuyer
  /** A log product's catalog index (by the log's numbering, LogTables order) and back. */
  toCatalog: Int32Array
  toLog: Int32Array
  k: number
  /** The deepest logged position. */
  maxPosition: number
  seed: number
  /** Importance weights above this are cut to it (Infinity: no clipping). */
  clip: number
  /** The log has relevance judgements: plugins see them as the session's relevance (else the fitted attractiveness). */
  relevanceColumn: boolean
  velocityDecay: number
}

/**
 * Log-driven sessions: each logged session is one buyer visit, its candidates the products it
 * showed. The plugin ranks them with its market view as of the round's start (the log's own
 * history: impressions, clicks and sales logged so far, added at each round's end); the calibrated
 * buyer acts on its slate; the plugin's hooks get what that buyer did. Buyers draw from one stream
 * for every plugin, so plugins meet the same draws where their slates agree.
 */
export class LoggedRun {
  private readonly catalog: Catalog
  private readonly harness: PluginHarness | null
  private readonly history: Book
  private readonly simulated: Book
  private readonly rng = makeRng(0, '')
  private readonly visitors = makeRng(0, '')
  private readonly slots: Slots
  private candidates: Int32Array
  private relevance: Float64Array
  /** slotOf[p] = the position of catalog product p in the slate of the session inSlate[p]. */
  private readonly slotOf: Int32Array
  /** stamp[p] = the session that has p among its candidates; inSlate[p] = the session whose slate shows p. */
  private readonly stamp: Int32Array
  private readonly inSlate: Int32Array
  private sessions = 0
  private round = -1
  /** A batch plugin's visits of the current round, waiting for the round's end. */
  private pending: Visit[] = []
  private readonly outcome: SessionOutcome
  /** A scratch outcome of the log's own session (its products, what its buyer did), for the history. */
  private readonly historyOutcome: SessionOutcome
  private readonly result: LoggedSessionResult

  constructor(private readonly o: LoggedRunOptions) {
    this.catalog = forkCatalog(o.catalog)
    const m = this.catalog
    this.rng = makeRng(o.seed, 'logged-buyers')
    this.visitors = makeRng(o.seed, 'logged-visitors')
    const weights = o.buyer.examination
    this.history = new Book(m.products.seller, m.sellers.count, weights)
    this.simulated = new Book(m.products.seller, m.sellers.count, weights)
    this.slots = new Slots(o.k)
    const n = Math.max(o.k, o.maxPosition)
    this.candidates = new Int32Array(n)
    this.relevance = new Float64Array(n)
    this.slotOf = new Int32Array(m.products.count)
    this.stamp = new Int32Array(m.products.count).fill(-1)
    this.inSlate = new Int32Array(m.products.count).fill(-1)
    this.harness = o.plugin
      ? new PluginHarness(o.plugin, frozenCopy(o.params), m, o.seed, o.k, undefined, o.file, this.simulated)
      : null
    this.outcome = {
      round: 0,
      session: 0,
      kind: 'search',
      buyer: 0,
      category: -1,
      n: 0,
      candidates: this.candidates,
      relevance: this.relevance,
      count: 0,
      products: new Int32Array(n),
      position: new Int32Array(n),
      sponsored: new Uint8Array(n),
      cpc: new Float64Array(n),
      slotRelevance: new Float64Array(n),
      clicked: new Uint8Array(n),
      purchasedSlot: -1,
      retailPrice: 0,
      declaredPrice: 0,
      deliveryDays: Number.NaN,
    }
    this.historyOutcome = { ...this.outcome }
    this.result = {
      shown: emptyLoggedSession(n),
      expected: { clicks: 0, order: 0, value: 0 },
      logged: emptyLoggedSession(0),
      weight: new Float64Array(n),
    }
  }

  /**
   * One logged session through the plugin and the calibrated buyer; `emit` receives its result (reused:
   * read it during the call). A plugin in batch mode ranks a round's sessions at once, when the round
   * is over (its view is the round's start either way), so their results come then, in session order.
   */
  async session(
    s: LoggedSession,
    emit: (r: LoggedSessionResult) => void,
    extra: CandidateBlock | null = null,
  ): Promise<void> {
    if (s.round !== this.round) {
      await this.flush(emit)
      await this.startRound(s.round)
    }
    if (this.harness?.batch) {
      this.pending.push(this.visit(copyOf(s), true, extra))
      return
    }
    const v = this.visit(s, false, extra)
    if (this.harness && v.session.n > 0) {
      const pending = this.harness.rank(v.session, v.slots)
      if (pending) await pending
    }
    await this.settle(v, emit)
  }

  /** A batch plugin's round: every session ranked at once, then each settled in order. */
  private async flush(emit: (r: LoggedSessionResult) => void): Promise<void> {
    if (!this.pending.length) return
    const batch = this.pending
    this.pending = []
    const ranked = batch.filter((v) => v.session.n > 0)
    await this.harness!.rankBatch(
      this.round,
      ranked.map((v) => v.session),
      ranked.map((v) => v.slots),
    )
    for (const v of batch) await this.settle(v, emit)
  }

  /**
   * The visit as the plugin will see it: candidates in catalog numbering, their relevance, the category
   * and a buyer of the generated population; the logged session goes into the history. `own`: the visit
   * keeps its own arrays (a batch holds many at once); else the run's are reused.
   */
  private visit(s: LoggedSession, own: boolean, extra: CandidateBlock | null): Visit {
    const { o, catalog: m } = this
    const id = this.sessions++
    // The products it showed, then the retrieval set's others (--candidates).
    const room = s.count + (extra?.count ?? 0)
    if (!own && room > this.candidates.length) {
      this.candidates = new Int32Array(2 * room)
      this.relevance = new Float64Array(2 * room)
    }
    const candidates = own ? new Int32Array(room) : this.candidates
    const relevance = own ? new Float64Array(room) : this.relevance
    let n = 0
    for (let i = 0; i < s.count; i++) {
      const p = o.toCatalog[s.product[i]]
      this.stamp[p] = id
      candidates[n] = p
      relevance[n++] = o.relevanceColumn ? s.relevance[i] : o.buyer.attractiveness[p]
    }
    for (let i = 0; i < (extra?.count ?? 0); i++) {
      const p = extra!.products[i]
      if (this.stamp[p] === id) continue
      this.stamp[p] = id
      candidates[n] = p
      relevance[n++] = o.relevanceColumn ? extra!.relevance[i] : o.buyer.attractiveness[p]
    }
    const category = n > 0 ? m.products.category[candidates[0]] : -1
    const buyer = Math.floor(this.visitors() * m.buyers.count)
    this.recordHistory(s, candidates, category)
    const session: Session = { round: s.round, kind: 'search', buyer, category, k: o.k, n, candidates, relevance }
    const slots = own ? new Slots(o.k) : this.slots
    slots.clear()
    return { logged: s, session, slots, id }
  }

  /** The ranked visit: its slate checked, the calibrated buyer on it, the plugin's hooks, then the result. */
  private async settle(v: Visit, emit: (r: LoggedSessionResult) => void): Promise<void> {
    const { o, catalog: m, outcome: out } = this
    const { logged: s, session, slots, id } = v
    const n = session.n
    if (this.harness && n > 0) {
      for (let i = 0; i < n; i++) this.stamp[session.candidates[i]] = id
      const problem = slotsError(slots, o.k, m.products.count, (p) => (this.stamp[p] === id ? 0 : -1))
      if (problem)
        throw new PluginOutputError(
          o.plugin!.name,
          o.seed,
          s.round,
          'rank',
          o.file ?? o.plugin!.name,
          `returned bad slots: ${problem}`,
        )
    }
    // The slate: the plugin's, or the logged one at its logged positions.
    const logged = !this.harness
    const count = logged ? s.count : slots.count
    for (let r = 0; r < count; r++) {
      out.products[r] = logged ? session.candidates[r] : slots.products[r]
      out.position[r] = logged ? s.position[r] : r + 1
      out.cpc[r] = logged ? s.cpc[r] : slots.cpc[r]
      out.sponsored[r] = logged ? s.sponsored[r] : slots.cpc[r] > 0 ? 1 : 0
      this.inSlate[out.products[r]] = id
      this.slotOf[out.products[r]] = out.position[r]
    }
    out.purchasedSlot = o.buyer.visit(out.products, out.position, count, this.rng, out.clicked)
    this.result.expected = o.buyer.expected(out.products, out.position, count, m.products.price)
    out.round = s.round
    out.session = id
    out.buyer = session.buyer
    out.category = session.category
    out.n = n
    out.count = count
    out.retailPrice = out.purchasedSlot >= 0 ? m.products.price[out.products[out.purchasedSlot]] : 0
    out.declaredPrice = out.retailPrice
    this.simulated.record(out)
    if (this.harness) {
      const pending = this.harness.session(out)
      if (pending) await pending
    }
    emit(this.describe(s, id))
  }

  /** The result: the simulated slate in log numbering, and the logged impressions weighted for this plugin. */
  private describe(s: LoggedSession, id: number): LoggedSessionResult {
    const { o, outcome: out, result } = this
    const shown = result.shown
    shown.round = s.round
    shown.count = out.count
    shown.category = s.category
    shown.purchasedSlot = out.purchasedSlot
    shown.price = out.retailPrice
    for (let r = 0; r < out.count; r++) {
      shown.product[r] = o.toLog[out.products[r]]
      shown.position[r] = out.position[r]
      shown.sponsored[r] = out.sponsored[r]
      shown.clicked[r] = out.clicked[r]
      shown.cpc[r] = out.clicked[r] && out.sponsored[r] ? out.cpc[r] : 0
      shown.relevance[r] = 0
    }
    result.logged = s
    if (s.count > result.weight.length) result.weight = new Float64Array(2 * s.count)
    for (let i = 0; i < s.count; i++) {
      const p = o.toCatalog[s.product[i]]
      const match = this.inSlate[p] === id && this.slotOf[p] === s.position[i]
      result.weight[i] = !this.harness ? 1 : match ? Math.min(o.clip, 1 / s.propensity[i]) : 0
    }
    return result
  }

  /** The logged session, as it happened, into the history the plugin's view is built from. */
  private recordHistory(s: LoggedSession, candidates: Int32Array, category: number): void {
    const h = this.historyOutcome
    h.n = h.count = s.count
    h.category = category
    h.products = candidates
    h.position = s.position
    h.sponsored = s.sponsored
    h.cpc = s.cpc
    h.clicked = s.clicked
    h.purchasedSlot = s.purchasedSlot
    h.retailPrice = h.declaredPrice = s.purchasedSlot >= 0 ? s.price : 0
    this.history.record(h)
  }

  private async startRound(round: number): Promise<void> {
    if (this.round >= 0) await this.closeRound()
    this.round = round
    this.history.startRound(round)
    this.simulated.startRound(round)
    this.harness?.refresh()
  }

  private async closeRound(): Promise<void> {
    addRoundToCatalog(this.catalog, this.history, this.o.velocityDecay)
    this.history.closeRound()
    await this.harness?.roundClosed(this.round, this.simulated)
    this.simulated.closeRound()
  }

  /**
   * The last round closes (a batch plugin's last round is ranked first); the plugin releases what it
   * holds. `emit` null: the run failed, what waits is dropped and only the plugin is stopped.
   */
  async finish(emit: ((r: LoggedSessionResult) => void) | null): Promise<void> {
    if (!emit) {
      this.pending = []
      await this.harness?.close()
      return
    }
    try {
      await this.flush(emit)
      if (this.round >= 0) await this.closeRound()
    } finally {
      await this.harness?.close()
    }
  }
}
