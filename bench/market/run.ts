import { examinationWeights } from '../../algorithms/kit/attention.ts'
import type { MarketView, PlatformRules, Plugin, Ranker, Session } from '../../algorithms/kit/contract.ts'
import { platformRules } from '../../algorithms/kit/fees.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { slotsError } from '../../algorithms/kit/validate.ts'
import { BUYER_FAVOURITES, forkCatalog, type Catalog } from '../../datasets/catalog.ts'
import { cumulative, drawIndex, makeRng, type Rng } from '../../datasets/rng.ts'
import type { MarketParams } from '../runner/scenario.ts'
import { BuyerModel } from './buyer.ts'
import { Ledger } from './ledger.ts'
import { Retrieval } from './retrieval.ts'
import { SELLER_FORCES } from './sellers/index.ts'
import type { SellerForce } from './sellers/force.ts'
import { Collected, PluginOutputError, type CapturedSession, type Collector, type CollectorDef, type RoundView, type RunOutcome, type SessionOutcome } from './types.ts'

export interface RunOptions {
  plugin: Plugin
  params: Record<string, unknown>
  market: MarketParams
  /** The catalog; the run forks it and never writes it. */
  catalog: Catalog
  seed: number
  /** What the run's metrics need gathered (bench/metrics/definitions.ts collectorsFor). */
  collectors?: readonly CollectorDef[]
  /** Sessions of the last round kept for the throughput benchmark. */
  capture?: number
  /** Sessions simulated on a throwaway copy before the timed run, so JIT warm-up stays out of the timing. */
  warmupSessions?: number
  onProgress?: (sessionsDone: number) => void
}

/** Runs one plugin over one seeded market for all rounds; returns what the collectors gathered. */
export function runMarket(options: RunOptions): RunOutcome {
  if (options.warmupSessions) new MarketRun({ ...options, collectors: [], capture: 0, onProgress: undefined }, 'warmup').warmUp(options.warmupSessions)
  return new MarketRun(options).run()
}

/**
 * One plugin's run over one market: each round, the sellers act (registered forces), then every
 * session runs retrieval → ranking and validation → the buyer → the ledger → collectors; at the
 * round's end the ledger closes, collectors and the plugin see the round, and the sellers react.
 */
export class MarketRun {
  readonly m: Catalog
  private readonly p: MarketParams
  private readonly rules: PlatformRules
  private readonly ranker: Ranker
  private readonly pluginName: string
  private readonly exam: Float64Array
  private readonly visitRng: Rng
  private readonly popularity: Float64Array
  private readonly slots: Slots
  private readonly retrieval: Retrieval
  private readonly ledger: Ledger
  private readonly buyer: BuyerModel
  private readonly forces: SellerForce[]
  private readonly collectors: { def: CollectorDef; collector: Collector }[]
  private readonly sessionCollectors: Collector[]
  private readonly session: { -readonly [K in keyof Session]: Session[K] }
  private readonly outcome: SessionOutcome
  private readonly view: RoundView
  private readonly captured: CapturedSession[] = []
  private sessionIndex = 0
  private peakMemory = 0

  constructor(private readonly options: RunOptions, stream = '') {
    const { market: p, plugin, seed } = options
    const m = (this.m = forkCatalog(options.catalog))
    this.p = p
    this.pluginName = plugin.name
    this.rules = platformRules(plugin.platform?.(options.params))
    this.exam = examinationWeights(p.slots)
    this.visitRng = makeRng(seed, `${stream}sessions`)
    const buyerRng = makeRng(seed, `${stream}buyers`)
    this.popularity = cumulative(m.categories.popularity)
    this.slots = new Slots(p.slots)
    this.retrieval = new Retrieval(m, { ...p.retrieval, feedPoolPerCategory: p.feedPoolPerCategory })
    this.ledger = new Ledger(m, this.rules, p.reviewRate, buyerRng)
    this.buyer = new BuyerModel(m, p.buyer, this.rules, this.exam, this.ledger, buyerRng)
    const profit = new Float64Array(m.sellers.count)
    const context = { market: m, params: p, rules: this.rules, ledger: this.ledger, profit, rng: makeRng(seed, `${stream}sellers`), syncListings: () => this.syncListings() }
    this.forces = SELLER_FORCES.map((make) => make(context))
    for (const force of this.forces) force.init?.()
    this.syncListings()
    const { candidates, relevance } = this.retrieval
    this.session = { round: 0, kind: this.rules.sessionKind, buyer: 0, category: -1, k: p.slots, n: 0, candidates, relevance }
    this.outcome = {
      round: 0, session: 0, kind: this.rules.sessionKind, buyer: 0, category: -1, n: 0, candidates, relevance, count: 0,
      products: this.slots.products, cpc: this.slots.cpc, slotRelevance: new Float64Array(p.slots), clicked: new Uint8Array(p.slots),
      purchasedSlot: -1, retailPrice: 0, declaredPrice: 0, deliveryDays: 0,
    }
    const l = this.ledger
    this.view = { round: 0, market: m, rules: this.rules, totals: l.totals, impressions: l.impressions, clicks: l.clicks, orders: l.orders, exposure: l.exposure, sellerRevenue: l.sellerRevenue, sellerFees: l.sellerFees, sellerAdSpend: l.sellerAdSpend, sellerProfit: profit }
    const runContext = { market: m, params: p, rules: this.rules, exam: this.exam, k: p.slots }
    this.collectors = (options.collectors ?? []).map((def) => ({ def, collector: def.create(runContext) }))
    this.sessionCollectors = this.collectors.filter((c) => c.collector.session).map((c) => c.collector)
    for (const { collector } of this.collectors) collector.start?.(m)
    this.ranker = plugin.create({ market: m as unknown as MarketView, params: options.params, rng: makeRng(seed, `${stream}plugin:${plugin.name}`), k: p.slots })
  }

  run(): RunOutcome {
    const { rounds, sessionsPerRound } = this.p
    const { capture = 0, onProgress } = this.options
    const started = performance.now()
    for (let r = 0; r < rounds; r++) {
      this.startRound(r)
      const capturing = r === rounds - 1 ? capture : 0
      for (let s = 0; s < sessionsPerRound; s++) {
        this.runSession(r, s < capturing)
        if (onProgress && (s & 255) === 255) onProgress(256)
      }
      onProgress?.(sessionsPerRound & 255)
      this.endRound(r)
    }
    const elapsedMs = performance.now() - started
    const collected = new Collected()
    for (const { def, collector } of this.collectors) collected.set(def, collector.result())
    const { m, ranker, captured, peakMemory } = this
    return { totals: this.ledger.runTotals, collected, activeAtEnd: m.sellers.active.slice(), elapsedMs, peakMemoryBytes: peakMemory, captured, ranker, market: m }
  }

  /** Round 0's first sessions, for the JIT, on this throwaway run. */
  warmUp(sessions: number): void {
    this.startRound(0)
    for (let s = 0; s < sessions; s++) this.runSession(0, false)
  }

  startRound(r: number): void {
    this.ledger.startRound()
    for (const force of this.forces) force.startRound?.(r)
  }

  runSession(r: number, capture: boolean): void {
    const { session, outcome: o, slots, ledger, retrieval } = this
    // The visit: drawn for every plugin alike, so all plugins see the same sequence of buyers.
    const rng = this.visitRng
    const buyer = Math.floor(rng() * this.m.buyers.count)
    const searched = drawIndex(rng, this.popularity)
    const feedOffset = rng()
    const feed = session.kind === 'feed'
    // 1. Retrieval.
    const n = feed ? retrieval.feed(buyer, feedOffset) : retrieval.search(buyer, searched)
    session.round = o.round = r
    session.buyer = o.buyer = buyer
    session.category = o.category = feed ? -1 : searched
    session.n = o.n = n
    o.session = this.sessionIndex++
    ledger.totals.sessions++
    slots.clear()
    if (n > 0) {
      ledger.totals.rankedSessions++
      if (capture) this.captured.push({ kind: session.kind, buyer, category: session.category, round: r, candidates: retrieval.candidates.slice(0, n), relevance: retrieval.relevance.slice(0, n) })
      // 2. Ranking and validation.
      this.ranker.rank(session, slots)
      const problem = slotsError(slots, this.p.slots, this.m.products.count, retrieval.indexOf)
      if (problem) throw new PluginOutputError(`plugin "${this.pluginName}" returned bad slots in round ${r}: ${problem}`)
      for (let i = 0; i < slots.count; i++) o.slotRelevance[i] = retrieval.relevance[retrieval.indexOf(slots.products[i])]
      // 3. The buyer, 4. the ledger.
      ledger.show(slots, this.exam)
      const refPrice = this.m.categories.refPrice[feed ? this.m.buyers.favourites[buyer * BUYER_FAVOURITES] : searched]
      this.buyer.visit(buyer, refPrice, feed, slots, o)
    } else o.purchasedSlot = -1
    o.count = slots.count
    // 5. Collectors.
    for (const c of this.sessionCollectors) c.session!(o)
  }

  endRound(r: number): void {
    const view = this.view
    view.round = r
    this.ledger.closeRound(this.p.velocityDecay)
    for (const { collector } of this.collectors) collector.roundEnd?.(view)
    const l = this.ledger
    this.ranker.observe?.({ round: r, impressions: l.impressions, clicks: l.clicks, orders: l.orders, exposure: l.exposure, sellerAdSpend: l.sellerAdSpend })
    for (const force of this.forces) force.endRound?.(r)
    for (const { collector } of this.collectors) collector.roundClosed?.(view)
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
