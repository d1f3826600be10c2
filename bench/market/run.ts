import { examinationCurve } from '../../algorithms/kit/attention.ts'
import type { PlatformRules, Plugin, Session } from '../../algorithms/kit/contract.ts'
import { platformRules } from '../../algorithms/kit/fees.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { type Catalog, catalogAsGenerated, forkCatalog } from '../../core/catalog.ts'
import { cumulative, drawIndex, makeRng, type Rng } from '../../core/rng.ts'
import { runBatchRound } from './batch.ts'
import { shownFile } from './blame.ts'
import type { PluginBoundary, SealedPlugin } from './boundary.ts'
import { BuyerModel } from './buyer.ts'
import { Ledger } from './ledger.ts'
import { CellMemory } from './memory.ts'
import { RelevanceEstimator } from './noise.ts'
import type { MarketParams } from './params.ts'
import { frozenCopy, PluginHarness } from './plugin-harness.ts'
import { Retrieval } from './retrieval.ts'
import type { SellerForce } from './sellers/force.ts'
import { SELLER_FORCES } from './sellers/index.ts'
import { shuffleSlate, slotsError } from './slots-check.ts'
import { type AnySource, type CollectorDef, CollectorSet, type Need, type SessionOutcome } from './stream.ts'
import { type CapturedSession, PluginOutputError, type RunOutcome } from './types.ts'

export interface RunOptions {
  plugin: Plugin
  params: Record<string, unknown>
  /** The plugin's source file, which error messages point into (file:line from the stack). */
  pluginFile?: string
  market: MarketParams
  /** The catalog; the run forks it and never writes it, unless ownsCatalog. */
  catalog: Catalog
  /**
   * The caller hands the catalog to this run, which then writes its columns instead of copies of them (53 B a product
   * less); keep catalogAsGenerated(catalog) first for what comes after.
   */
  ownsCatalog?: boolean
  seed: number
  /**
   * Another plugin whose platform() sets the rules instead of this plugin's own (bench run --same-rules): its
   * ranking is not used, only its fees, markup, session kind and delivery.
   */
  rulesFrom?: { plugin: Plugin; params: Record<string, unknown> }
  /** The plugin runs in a process of its own (bench run --sealed): `plugin` only names it. */
  sealed?: SealedPlugin
  /** What the run's metrics need gathered (bench/metrics collectorsFor). */
  collectors?: readonly CollectorDef[]
  /** Sessions of the last round kept for the throughput benchmark. */
  capture?: number
  /** The run's first sessions left out of its timing (the JIT's warm-up); at most half the run's sessions. */
  warmupSessions?: number
  onProgress?: (sessionsDone: number) => void
  /**
   * The cell's memory limit (--cell-memory), heap and ArrayBuffers together: V8 bounds the heap itself, not the
   * typed arrays a plugin allocates, so the run checks both every 256 sessions and at each round's end.
   */
  memoryLimitBytes?: number
  /** Called once the sessions are done and before the ranker is closed (time its rank() here). */
  beforeClose?: (outcome: RunOutcome) => Promise<void>
}

/** Runs one plugin over one seeded market for all rounds; returns what the collectors gathered. */
export async function runMarket(options: RunOptions): Promise<RunOutcome> {
  return new MarketRun(options).run()
}

/**
 * One plugin's run over one market: each round, the sellers act (registered forces), then every
 * session runs retrieval → ranking and validation → the buyer → the ledger → collectors → the
 * plugin's session hook; at the round's end the ledger closes, collectors and the plugin see the
 * round, and the sellers react.
 *
 * The plugin never holds the engine's state: it sees its own copies of the observable market
 * (PluginMarketView), of each session's candidates and estimated relevance, of each session's and
 * round's feedback, and a frozen copy of its params; the engine checks the globals it relies on
 * after create() and after every round. Whatever the plugin writes changes only what it sees itself.
 */
export class MarketRun {
  readonly m: Catalog
  private readonly p: MarketParams
  private readonly rules: PlatformRules
  private readonly plugin: PluginBoundary
  private readonly estimator: RelevanceEstimator
  /** The plugin's copies of each session's candidates and estimated relevance (and, opted in, the true relevance). */
  private readonly pluginCandidates: Int32Array
  private readonly pluginRelevance: Float64Array
  private readonly truthRelevance: Float64Array | null
  private readonly exam: Float64Array
  private readonly visitRng: Rng
  private readonly shuffleRng: Rng | null
  private readonly popularity: Float64Array
  /** The engine's slots: the plugin fills them in session mode; batch mode copies a checked slate in. */
  readonly slots: Slots
  private readonly retrieval: Retrieval
  private readonly ledger: Ledger
  private readonly buyer: BuyerModel
  private readonly forces: SellerForce[]
  private readonly collectors: CollectorSet
  /** What the run offers the metrics: every facet, as a simulation knows everything. */
  private readonly source: AnySource & Record<Need, unknown>
  readonly outcome: SessionOutcome
  private readonly captured: CapturedSession[] = []
  private sessionIndex = 0
  private peakMemory = 0
  private readonly memory: CellMemory

  constructor(private readonly options: RunOptions) {
    const { market: p, plugin, seed } = options
    // Before anything writes the catalog: what the metrics compare the run's end with.
    const asGenerated = catalogAsGenerated(options.catalog)
    const m = options.ownsCatalog ? options.catalog : forkCatalog(options.catalog)
    this.m = m
    this.p = p
    this.memory = new CellMemory(options.memoryLimitBytes, options.sealed?.channelBytes ?? 0)
    const params = frozenCopy(options.params)
    const { rulesFrom } = options
    this.rules = platformRules(
      rulesFrom
        ? rulesFrom.plugin.platform?.(frozenCopy(rulesFrom.params))
        : options.sealed
          ? options.sealed.rules
          : plugin.platform?.(params),
    )
    this.exam = examinationCurve(p.examination, p.slots)
    // Its own stream: a run that shuffles draws nothing else differently.
    this.shuffleRng = p.shuffleSlates ? makeRng(seed, 'slate-order') : null
    this.visitRng = makeRng(seed, 'sessions')
    const buyerRng = makeRng(seed, 'buyers')
    this.popularity = cumulative(m.categories.popularity)
    this.slots = new Slots(p.slots)
    this.retrieval = new Retrieval(m, { ...p.retrieval, feedPoolPerCategory: p.feedPoolPerCategory })
    this.ledger = new Ledger(m, this.rules, p.reviewRate, buyerRng, this.exam)
    this.buyer = new BuyerModel(m, p.buyer, this.rules, this.exam, this.ledger, buyerRng)
    const context = {
      market: m,
      params: p,
      rules: this.rules,
      ledger: this.ledger,
      profit: this.ledger.book.sellerProfit,
      rng: makeRng(seed, 'sellers'),
      syncListings: () => this.syncListings(),
    }
    this.forces = SELLER_FORCES.map((make) => make(context))
    for (const force of this.forces) force.init?.()
    this.syncListings()
    const { candidates, relevance } = this.retrieval
    this.estimator = new RelevanceEstimator(seed, m.products.count, p.retrieval.relevanceNoise)
    this.pluginCandidates = new Int32Array(candidates.length)
    this.pluginRelevance = new Float64Array(candidates.length)
    this.truthRelevance = plugin.truth === true ? new Float64Array(candidates.length) : null
    this.outcome = {
      round: 0,
      session: 0,
      kind: this.rules.sessionKind,
      buyer: 0,
      category: -1,
      n: 0,
      candidates,
      relevance,
      count: 0,
      products: this.slots.products,
      position: Int32Array.from({ length: p.slots }, (_, r) => r + 1),
      sponsored: new Uint8Array(p.slots),
      cpc: this.slots.cpc,
      slotRelevance: new Float64Array(p.slots),
      clicked: new Uint8Array(p.slots),
      purchasedSlot: -1,
      retailPrice: 0,
      declaredPrice: 0,
      deliveryDays: 0,
    }
    const l = this.ledger
    this.source = {
      tables: m,
      weights: this.exam,
      maxCandidates: p.retrieval.maxCandidates,
      listed: m.products.listed,
      truth: { quality: m.products.quality, refPrice: m.products.refPrice, buyer: p.buyer },
      relevance: { quality: m.products.quality },
      costs: true,
      catalog: { market: m, asGenerated, rules: this.rules, pluginParams: options.params },
      delivery: true,
      category: true,
      joinRound: m.sellers.joinRound,
      sizeTier: m.sellers.sizeTier,
      archetype: m.sellers.archetype,
      activity: m.sellers.active,
      activeAtEnd: m.sellers.active,
    }
    this.collectors = new CollectorSet(options.collectors ?? [], this.source)
    this.collectors.start()
    const truth = this.truthRelevance
      ? { quality: m.products.quality.slice(), relevance: this.truthRelevance }
      : undefined
    this.plugin = options.sealed
      ? options.sealed.open({ params, market: m, seed, k: p.slots, truth, round: l })
      : new PluginHarness(plugin, params, m, seed, p.slots, truth, options.pluginFile, l)
  }

  async run(): Promise<RunOutcome> {
    const { rounds, sessionsPerRound } = this.p
    const { capture = 0, onProgress, warmupSessions = 0 } = this.options
    // The clock starts after the warm-up: in the run itself, so no second copy of the market is built.
    const untimed = Math.min(warmupSessions, Math.floor((rounds * sessionsPerRound) / 2))
    let started = performance.now()
    let done = 0
    const tick = (s: number) => {
      if (untimed > 0 && done++ === untimed) started = performance.now()
      if ((s & 255) !== 255) return
      onProgress?.(256)
      if (this.options.memoryLimitBytes !== undefined) this.memory.check(this.outcome.round)
    }
    let outcome: RunOutcome
    try {
      for (let r = 0; r < rounds; r++) {
        this.startRound(r)
        const capturing = r === rounds - 1 ? capture : 0
        if (this.plugin.batch) await runBatchRound(this, r, capturing, tick)
        else
          for (let s = 0; s < sessionsPerRound; s++) {
            tick(s)
            // Only a plugin in another process answers with a Promise: in-process runs never wait.
            const pending = this.runSession(r, s < capturing)
            if (pending) await pending
          }
        onProgress?.(sessionsPerRound & 255)
        await this.endRound(r)
      }
      const elapsedMs = performance.now() - started
      const { m, captured, peakMemory } = this
      outcome = {
        totals: this.ledger.book.runTotals,
        collected: this.collectors.result(),
        source: this.source,
        elapsedMs,
        timedSessions: rounds * sessionsPerRound - untimed,
        peakMemoryBytes: peakMemory,
        captured,
        ranker: this.plugin.ranker,
        market: m,
      }
      await this.options.beforeClose?.(outcome)
    } finally {
      await this.plugin.close()
    }
    return outcome
  }

  startRound(r: number): void {
    this.ledger.startRound(r)
    for (const force of this.forces) force.startRound?.(r)
    this.plugin.refresh()
  }

  /**
   * The visit, drawn for every plugin alike (all plugins see the same sequence of buyers), and its
   * retrieval; the outcome holds the session, the slots are empty. Returns the number of candidates.
   */
  drawSession(r: number): number {
    const { outcome: o, retrieval } = this
    const rng = this.visitRng
    const buyer = Math.floor(rng() * this.m.buyers.count)
    const searched = drawIndex(rng, this.popularity)
    const feedOffset = rng()
    const feed = this.rules.sessionKind === 'feed'
    const n = feed ? retrieval.feed(buyer, feedOffset) : retrieval.search(buyer, searched)
    o.round = r
    o.buyer = buyer
    o.category = feed ? -1 : searched
    o.n = n
    o.session = this.sessionIndex++
    o.candidates = retrieval.candidates
    o.relevance = retrieval.relevance
    this.slots.clear()
    return n
  }

  runSession(r: number, capture: boolean): void | Promise<void> {
    const n = this.drawSession(r)
    if (n === 0) return this.settle(null)
    // Ranking on the plugin's own copies of the session, then validation.
    const session = this.pluginSession(r, this.outcome.buyer, this.outcome.category, n)
    if (capture) this.capture(session)
    const pending = this.plugin.rank(session, this.slots)
    const settle = () => this.settle(this.retrieval.indexOf)
    return pending ? pending.then(settle) : settle()
  }

  get sessionsPerRound(): number {
    return this.p.sessionsPerRound
  }
  get k(): number {
    return this.p.slots
  }
  get maxCandidates(): number {
    return this.p.retrieval.maxCandidates
  }

  get sessionKind(): Session['kind'] {
    return this.rules.sessionKind
  }

  /** The plugin's copy of the drawn session: its candidates, and the platform's estimate of their relevance. */
  copyForPlugin(buyer: number, category: number, n: number, candidates: Int32Array, relevance: Float64Array): void {
    const { retrieval } = this
    for (let i = 0; i < n; i++) candidates[i] = retrieval.candidates[i]
    this.estimator.estimate(retrieval.relevance, retrieval.candidates, n, buyer, category, relevance)
  }

  rankBatch(round: number, sessions: Session[], slots: Slots[]): Promise<void> {
    return this.plugin.rankBatch(round, sessions, slots)
  }

  capture(session: Session): void {
    this.captured.push({
      kind: session.kind,
      buyer: session.buyer,
      category: session.category,
      round: session.round,
      candidates: session.candidates.slice(0, session.n),
      relevance: session.relevance.slice(0, session.n),
    })
  }

  /**
   * The ranked session's consequences, in order: the slots checked against the session's candidates
   * (candidateIndexOf; null: nothing was ranked), the buyer (and the ledger's fees and reviews), the
   * books, the collectors, the plugin's session hook.
   */
  settle(candidateIndexOf: ((product: number) => number) | null, filled: Slots = this.slots): void | Promise<void> {
    const { outcome: o, slots } = this
    if (candidateIndexOf) {
      const problem = slotsError(filled, this.p.slots, this.m.products.count, candidateIndexOf)
      if (problem)
        throw new PluginOutputError(
          this.options.plugin.name,
          this.options.seed,
          o.round,
          'rank',
          shownFile(this.options.pluginFile),
          `returned bad slots: ${problem}`,
        )
      if (filled !== slots) for (let i = 0; i < filled.count; i++) slots.push(filled.products[i], filled.cpc[i])
      if (this.shuffleRng) shuffleSlate(slots, this.shuffleRng)
      for (let i = 0; i < slots.count; i++) {
        o.slotRelevance[i] = o.relevance[candidateIndexOf(slots.products[i])]
        o.sponsored[i] = slots.cpc[i] > 0 ? 1 : 0
      }
      this.buyer.visit(o.buyer, this.rules.sessionKind === 'feed', slots, o)
    } else o.purchasedSlot = -1
    o.count = slots.count
    this.ledger.book.record(o)
    this.collectors.session(o)
    return this.plugin.session(o)
  }

  /**
   * The session as the plugin sees it: a fresh object over its own copies of the candidates and the estimated
   * relevance.
   */
  private pluginSession(round: number, buyer: number, category: number, n: number): Session {
    const { pluginCandidates: candidates, pluginRelevance: relevance, retrieval } = this
    this.copyForPlugin(buyer, category, n, candidates, relevance)
    if (this.truthRelevance) this.truthRelevance.set(retrieval.relevance.subarray(0, n))
    return { round, kind: this.rules.sessionKind, buyer, category, k: this.p.slots, n, candidates, relevance }
  }

  async endRound(r: number): Promise<void> {
    const view = this.ledger.book.view
    this.ledger.closeRound(this.p.velocityDecay)
    this.collectors.roundEnd(view)
    await this.plugin.roundClosed(r, this.ledger)
    for (const force of this.forces) force.endRound?.(r)
    this.collectors.roundClosed(view)
    this.peakMemory = Math.max(this.peakMemory, this.memory.check(r))
  }

  /** products.listed follows seller activity; retrieval's index follows products.listed. */
  private syncListings(): void {
    const { products, sellers } = this.m
    for (let i = 0; i < products.count; i++) products.listed[i] = sellers.active[products.seller[i]]
    this.retrieval.syncListed()
  }
}
