import { examinationWeights } from '../../algorithms/kit/attention.ts'
import type {
  PlatformRules,
  Plugin,
  Ranker,
  RoundFeedback,
  Session,
  SessionFeedback,
} from '../../algorithms/kit/contract.ts'
import { platformRules } from '../../algorithms/kit/fees.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { type Catalog, catalogAsGenerated, forkCatalog } from '../../core/catalog.ts'
import { cumulative, drawIndex, makeRng, type Rng } from '../../core/rng.ts'
import { pluginFailure, shownFile } from './blame.ts'
import { BuyerModel } from './buyer.ts'
import { changedGlobal, type GlobalsSnapshot, snapshotGlobals } from './guard.ts'
import { Ledger } from './ledger.ts'
import { RelevanceEstimator } from './noise.ts'
import type { MarketParams } from './params.ts'
import { Retrieval } from './retrieval.ts'
import type { SellerForce } from './sellers/force.ts'
import { SELLER_FORCES } from './sellers/index.ts'
import { slotsError } from './slots-check.ts'
import { type AnySource, type CollectorDef, CollectorSet, type Need, type SessionOutcome } from './stream.ts'
import { type CapturedSession, PluginError, type PluginHook, PluginOutputError, type RunOutcome } from './types.ts'
import { PluginMarketView } from './view.ts'

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
  /** What the run's metrics need gathered (bench/metrics collectorsFor). */
  collectors?: readonly CollectorDef[]
  /** Sessions of the last round kept for the throughput benchmark. */
  capture?: number
  /** The run's first sessions left out of its timing (the JIT's warm-up); at most half the run's sessions. */
  warmupSessions?: number
  onProgress?: (sessionsDone: number) => void
}

/** Runs one plugin over one seeded market for all rounds; returns what the collectors gathered. */
export function runMarket(options: RunOptions): RunOutcome {
  return new MarketRun(options).run()
}

/** A deep copy, frozen: a plugin that writes its params fails loudly and cannot reach another run's. */
function frozenCopy<T>(value: T): T {
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || Object.isFrozen(v)) return
    Object.freeze(v)
    for (const child of Object.values(v)) freeze(child)
  }
  const copy = structuredClone(value)
  freeze(copy)
  return copy
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
  private readonly ranker: Ranker
  private readonly pluginName: string
  private readonly pluginFile: string | undefined
  private readonly seed: number
  private readonly marketView: PluginMarketView
  private readonly estimator: RelevanceEstimator
  /** The plugin's copies of each session's candidates and estimated relevance (and, opted in, the true relevance). */
  private readonly pluginCandidates: Int32Array
  private readonly pluginRelevance: Float64Array
  private readonly truthRelevance: Float64Array | null
  /** Present only when the plugin declares the hook: its copies of the session's slots and clicks. */
  private readonly sessionHook: {
    call: (feedback: SessionFeedback) => void
    products: Int32Array
    cpc: Float64Array
    clicked: Uint8Array
  } | null
  private readonly roundHook: {
    call: (feedback: RoundFeedback) => void
    columns: Record<'impressions' | 'clicks' | 'orders' | 'exposure' | 'sellerAdSpend', Int32Array | Float64Array>
  } | null
  private readonly globals: GlobalsSnapshot
  private readonly exam: Float64Array
  private readonly visitRng: Rng
  private readonly popularity: Float64Array
  private readonly slots: Slots
  private readonly retrieval: Retrieval
  private readonly ledger: Ledger
  private readonly buyer: BuyerModel
  private readonly forces: SellerForce[]
  private readonly collectors: CollectorSet
  /** What the run offers the metrics: every facet, as a simulation knows everything. */
  private readonly source: AnySource & Record<Need, unknown>
  private readonly outcome: SessionOutcome
  private readonly captured: CapturedSession[] = []
  private sessionIndex = 0
  private peakMemory = 0

  constructor(private readonly options: RunOptions) {
    const { market: p, plugin, seed } = options
    // Before anything writes the catalog: what the metrics compare the run's end with.
    const asGenerated = catalogAsGenerated(options.catalog)
    const m = options.ownsCatalog ? options.catalog : forkCatalog(options.catalog)
    this.m = m
    this.p = p
    this.pluginName = plugin.name
    this.pluginFile = options.pluginFile
    this.seed = seed
    const params = frozenCopy(options.params)
    this.rules = platformRules(plugin.platform?.(params))
    this.exam = examinationWeights(p.slots)
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
    // The slots' buffers stay the ones the engine reads: a plugin may fill them, not swap them.
    for (const key of ['products', 'cpc', 'capacity'])
      Object.defineProperty(this.slots, key, { writable: false, configurable: false })
    this.marketView = new PluginMarketView(m)
    const truth = this.truthRelevance
      ? { quality: m.products.quality.slice(), relevance: this.truthRelevance }
      : undefined
    this.globals = snapshotGlobals()
    const pluginContext = {
      market: this.marketView.view,
      params,
      rng: makeRng(seed, `plugin:${plugin.name}`),
      k: p.slots,
      truth,
    }
    this.ranker = this.guarded('create', null, () => plugin.create(pluginContext))
    this.checkGlobals(null)
    const { onSession, observe } = this.ranker
    this.sessionHook = onSession
      ? {
          call: onSession.bind(this.ranker),
          products: new Int32Array(p.slots),
          cpc: new Float64Array(p.slots),
          clicked: new Uint8Array(p.slots),
        }
      : null
    const own = (column: Int32Array | Float64Array) => column.slice()
    this.roundHook = observe
      ? {
          call: observe.bind(this.ranker),
          columns: {
            impressions: own(l.impressions),
            clicks: own(l.clicks),
            orders: own(l.orders),
            exposure: own(l.exposure),
            sellerAdSpend: own(l.sellerAdSpend),
          },
        }
      : null
  }

  /** Runs a plugin hook; its exception becomes a PluginError naming the plugin, seed, round, hook and its line. */
  private guarded<T>(hook: PluginHook, round: number | null, call: () => T): T {
    try {
      return call()
    } catch (err) {
      throw pluginFailure(err, this.pluginName, this.pluginFile, this.seed, round, hook)
    }
  }

  /** Stops the run when the plugin replaced a global the engine computes with. */
  private checkGlobals(round: number | null): void {
    const changed = changedGlobal(this.globals)
    if (changed)
      throw new PluginError(
        this.pluginName,
        this.seed,
        round,
        'globals',
        shownFile(this.pluginFile),
        `replaced ${changed}; a plugin may not change the globals the engine computes with`,
      )
  }

  run(): RunOutcome {
    const { rounds, sessionsPerRound } = this.p
    const { capture = 0, onProgress, warmupSessions = 0 } = this.options
    // The clock starts after the warm-up: in the run itself, so no second copy of the market is built.
    const untimed = Math.min(warmupSessions, Math.floor((rounds * sessionsPerRound) / 2))
    let started = performance.now()
    let done = 0
    for (let r = 0; r < rounds; r++) {
      this.startRound(r)
      const capturing = r === rounds - 1 ? capture : 0
      for (let s = 0; s < sessionsPerRound; s++) {
        if (untimed > 0 && done++ === untimed) started = performance.now()
        this.runSession(r, s < capturing)
        if (onProgress && (s & 255) === 255) onProgress(256)
      }
      onProgress?.(sessionsPerRound & 255)
      this.endRound(r)
    }
    const elapsedMs = performance.now() - started
    const { m, ranker, captured, peakMemory } = this
    return {
      totals: this.ledger.book.runTotals,
      collected: this.collectors.result(),
      source: this.source,
      elapsedMs,
      timedSessions: rounds * sessionsPerRound - untimed,
      peakMemoryBytes: peakMemory,
      captured,
      ranker,
      market: m,
    }
  }

  startRound(r: number): void {
    this.ledger.startRound(r)
    for (const force of this.forces) force.startRound?.(r)
    this.marketView.refresh()
  }

  runSession(r: number, capture: boolean): void {
    const { outcome: o, slots, retrieval } = this
    // The visit: drawn for every plugin alike, so all plugins see the same sequence of buyers.
    const rng = this.visitRng
    const buyer = Math.floor(rng() * this.m.buyers.count)
    const searched = drawIndex(rng, this.popularity)
    const feedOffset = rng()
    const feed = this.rules.sessionKind === 'feed'
    // 1. Retrieval.
    const n = feed ? retrieval.feed(buyer, feedOffset) : retrieval.search(buyer, searched)
    o.round = r
    o.buyer = buyer
    o.category = feed ? -1 : searched
    o.n = n
    o.session = this.sessionIndex++
    slots.clear()
    if (n > 0) {
      // 2. Ranking and validation, on the plugin's own copies of the session.
      const session = this.pluginSession(r, buyer, o.category, n)
      if (capture)
        this.captured.push({
          kind: session.kind,
          buyer,
          category: o.category,
          round: r,
          candidates: session.candidates.slice(0, n),
          relevance: session.relevance.slice(0, n),
        })
      this.guarded('rank', r, () => this.ranker.rank(session, slots))
      const problem = slotsError(slots, this.p.slots, this.m.products.count, retrieval.indexOf)
      if (problem)
        throw new PluginOutputError(
          this.pluginName,
          this.seed,
          r,
          'rank',
          shownFile(this.pluginFile),
          `returned bad slots: ${problem}`,
        )
      for (let i = 0; i < slots.count; i++) {
        o.slotRelevance[i] = retrieval.relevance[retrieval.indexOf(slots.products[i])]
        o.sponsored[i] = slots.cpc[i] > 0 ? 1 : 0
      }
      // 3. The buyer (and the ledger's fees and reviews).
      this.buyer.visit(buyer, feed, slots, o)
      this.marketView.syncSession(slots.products, slots.cpc, o.clicked, slots.count, o.purchasedSlot)
    } else o.purchasedSlot = -1
    o.count = slots.count
    // 4. The books, 5. collectors, 6. the plugin's session hook.
    this.ledger.book.record(o)
    this.collectors.session(o)
    if (this.sessionHook && n > 0) this.sessionFeedback(o)
  }

  /**
   * The session as the plugin sees it: a fresh object over its own copies of the candidates and the estimated
   * relevance.
   */
  private pluginSession(round: number, buyer: number, category: number, n: number): Session {
    const { pluginCandidates: candidates, pluginRelevance: relevance, retrieval } = this
    for (let i = 0; i < n; i++) candidates[i] = retrieval.candidates[i]
    this.estimator.estimate(retrieval.relevance, retrieval.candidates, n, buyer, category, relevance)
    if (this.truthRelevance) this.truthRelevance.set(retrieval.relevance.subarray(0, n))
    return { round, kind: this.rules.sessionKind, buyer, category, k: this.p.slots, n, candidates, relevance }
  }

  /** Hands the plugin's session hook its own copy of what the buyer did. */
  private sessionFeedback(o: SessionOutcome): void {
    const hook = this.sessionHook!
    for (let i = 0; i < o.count; i++) {
      hook.products[i] = o.products[i]
      hook.cpc[i] = o.cpc[i]
      hook.clicked[i] = o.clicked[i]
    }
    const bought = o.purchasedSlot >= 0
    const feedback: SessionFeedback = {
      round: o.round,
      kind: o.kind,
      buyer: o.buyer,
      category: o.category,
      count: o.count,
      products: hook.products,
      cpc: hook.cpc,
      clicked: hook.clicked,
      purchasedSlot: o.purchasedSlot,
      retailPrice: bought ? o.retailPrice : 0,
    }
    this.guarded('onSession', o.round, () => hook.call(feedback))
  }

  endRound(r: number): void {
    const view = this.ledger.book.view
    this.ledger.closeRound(this.p.velocityDecay)
    this.collectors.roundEnd(view)
    if (this.roundHook) {
      const { call, columns } = this.roundHook
      const l = this.ledger
      for (const key of ['impressions', 'clicks', 'orders', 'exposure', 'sellerAdSpend'] as const)
        columns[key].set(l[key])
      this.marketView.refresh()
      this.guarded('observe', r, () => call({ round: r, ...columns }))
    }
    this.checkGlobals(r)
    for (const force of this.forces) force.endRound?.(r)
    this.collectors.roundClosed(view)
    const memory = process.memoryUsage()
    this.peakMemory = Math.max(this.peakMemory, memory.heapUsed + memory.arrayBuffers)
  }

  /** products.listed follows seller activity; retrieval's index follows products.listed. */
  private syncListings(): void {
    const { products, sellers } = this.m
    for (let i = 0; i < products.count; i++) products.listed[i] = sellers.active[products.seller[i]]
    this.retrieval.syncListed()
  }
}
