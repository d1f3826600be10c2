import type { PlatformRules, SessionKind } from '../../algorithms/kit/contract.ts'
import type { Catalog, CatalogAsGenerated, IdList } from '../../core/catalog.ts'
import type { BuyerParams } from './params.ts'

/**
 * The one stream every source of sessions produces and every metric is computed from: the engine
 * (simulated sessions), an impression log (`bench metrics`) and log-driven sessions (calibrate,
 * rerank) all emit sessions and round ends in this shape, tallied by the same Book, gathered by the
 * same collectors (bench/metrics/collectors), summarised by the same definitions (bench/metrics).
 * What a source cannot supply (the hidden truth, costs, the catalog through time) is a facet it does
 * not provide; a metric that needs it is left empty, with the need's reason.
 */

/**
 * One session as it happened: its candidates, the slots shown, what was clicked and bought. The arrays
 * are the source's reused buffers: read them during the call, never keep them.
 */
export interface SessionOutcome {
  round: number
  /** 0-based index of the session within the source. */
  session: number
  kind: SessionKind
  buyer: number
  /** The searched category, or -1 for a feed visit (or a logged session without one). */
  category: number
  /**
   * Candidates; the first n entries of candidates and relevance are valid. A simulation's are the
   * retrieved products with their true relevance; a log's are the products it shows, with its relevance
   * judgements (0 without them).
   */
  n: number
  candidates: Int32Array
  relevance: Float64Array
  /** Slots filled; the first `count` entries of the slot arrays below are valid. */
  count: number
  products: Int32Array
  /** 1-based position of each slot (a simulation fills 1 … count; a log may skip positions). */
  position: Int32Array
  /** 1 where the slot was sold as an ad. */
  sponsored: Uint8Array
  /** The CPC a sponsored slot is charged per click (a log's, on clicked slots only). */
  cpc: Float64Array
  slotRelevance: Float64Array
  /** 1 where the buyer clicked the slot. */
  clicked: Uint8Array
  /** The slot bought from, or -1. The order's fields below are valid only when it is ≥ 0. */
  purchasedSlot: number
  retailPrice: number
  /** What the seller bills: the declared price (a log knows only the retail price it records). */
  declaredPrice: number
  deliveryDays: number
}

/** Platform totals of one round. */
export interface RoundTotals {
  sessions: number
  /** Sessions with at least one candidate. */
  rankedSessions: number
  orders: number
  gmv: number
  /** Zero without the costs facet. */
  commission: number
  fulfilmentFees: number
  adRevenue: number
  impressions: number
  sponsoredImpressions: number
  sponsoredClicks: number
}

export function emptyTotals(): RoundTotals {
  return {
    sessions: 0,
    rankedSessions: 0,
    orders: 0,
    gmv: 0,
    commission: 0,
    fulfilmentFees: 0,
    adRevenue: 0,
    impressions: 0,
    sponsoredImpressions: 0,
    sponsoredClicks: 0,
  }
}

/** What collectors see at the end of a round (the Book's tallies). Read, never write or keep. */
export interface RoundView {
  round: number
  totals: RoundTotals
  /** Per product, this round. */
  impressions: Int32Array
  clicks: Int32Array
  orders: Int32Array
  exposure: Float64Array
  /** Per seller, this round: what it billed (SessionOutcome.declaredPrice × units) and its ad spend. */
  sellerRevenue: Float64Array
  sellerAdSpend: Float64Array
  /** Per seller, this round (zero without the costs facet): fees paid; at roundClosed, profit. */
  sellerFees: Float64Array
  sellerProfit: Float64Array
}

/** Who is who, which every source knows: sellers, products and their sellers and categories. */
export interface SourceTables {
  sellers: { count: number; id: IdList }
  /** category: -1 where the source does not know it. */
  products: { count: number; id: IdList; seller: Int32Array; category: Int32Array }
  /** CSR index: the products of category c are products[start[c] .. start[c+1]), in catalog order. */
  categories: { count: number; name: readonly string[]; start: Int32Array; products: Int32Array }
}

/** What the stream gives every collector and metric. */
export interface SourceBase {
  tables: SourceTables
  /** Exposure weight of 1-based position p, at index p − 1 (the examination curve). */
  weights: Float64Array
  /** The most candidates one session can have. */
  maxCandidates: number
  /** 1 while a product can be shown: live in a simulation (exits unlist); every product a log shows, throughout. */
  listed: Uint8Array
}

/** What some sources supply and others cannot, by name; a source provides a subset. */
export interface Facets {
  truth: { quality: ArrayLike<number>; refPrice: Float64Array; buyer: BuyerParams }
  relevance: { quality: ArrayLike<number> }
  costs: true
  catalog: {
    market: Catalog
    asGenerated: CatalogAsGenerated
    rules: PlatformRules
    pluginParams: Readonly<Record<string, unknown>>
  }
  delivery: true
  category: true
  joinRound: Int32Array
  sizeTier: Uint8Array
  archetype: Uint8Array
  activity: Uint8Array
  activeAtEnd: Uint8Array
}
export type Need = keyof Facets

/** Each facet in words: what it is, and where a log gets it (the reason a metric is left empty). */
export const NEEDS: Readonly<Record<Need, string>> = {
  truth: "the hidden truth (true quality and relevance, buyers' valuations), which only a simulation has",
  relevance: "each candidate's relevance for ranking quality (a log: its relevance column)",
  costs: "sellers' costs and the platform's fees, which only a simulation has",
  catalog:
    'the whole catalog through the run (listings, identical-product groups, declared prices, prices elsewhere, ' +
    'weights), which only a simulation has',
  delivery: 'delivery times, which only a simulation has',
  category: "every shown product's category (a log: its category column or --products)",
  joinRound: "each seller's join round (a log: join_round in --sellers)",
  sizeTier: "each seller's size tier (a log: size_tier in --sellers)",
  archetype: "each seller's archetype (a log: archetype in --sellers)",
  activity: 'seller activity round by round, which only a simulation records',
  activeAtEnd: 'which sellers are active at the end (a log: active_at_end in --sellers)',
}

/** The facets N of a source: exactly those, typed. */
export type Provided<N extends Need> = { [K in N]: Facets[K] }

/** What a collector created for facets N is given. */
export type SourceContext<N extends Need = never> = SourceBase & Provided<N>

/** A source's context with whichever facets it has. */
export type AnySource = SourceBase & Partial<Facets>

/** The facets a source provides. */
export function providedNeeds(source: AnySource): Set<Need> {
  return new Set((Object.keys(NEEDS) as Need[]).filter((n) => source[n] !== undefined))
}

/**
 * Gathers what some metrics need, at the points every source calls: once before the first session,
 * per session, at the end of each round (before and after a simulation's seller dynamics). Metrics
 * name the collectors they read; a run creates only those whose facets its source provides.
 */
export interface Collector<R = unknown> {
  /** Before the first session (a simulation: once the market is priced for the platform). */
  start?(): void
  session?(o: SessionOutcome): void
  roundEnd?(view: RoundView): void
  roundClosed?(view: RoundView): void
  /** The collected data, once the source is exhausted. */
  result(): R
}

export interface CollectorDef<R = unknown, N extends Need = Need> {
  /** Unique name, used in error messages and the manifest. */
  readonly name: string
  /** The facets it reads; a source without them never creates it. */
  readonly needs: readonly N[]
  create(context: SourceContext<N>): Collector<R>
}

/** A collector; `needs` types the context it is created with. */
export function defineCollector<R, const N extends Need = never>(def: {
  name: string
  needs?: readonly N[]
  create(context: SourceContext<N>): Collector<R>
}): CollectorDef<R, N> {
  return { name: def.name, needs: def.needs ?? [], create: def.create }
}

/** Each collector's result, by definition. */
export class Collected {
  private readonly results = new Map<CollectorDef, unknown>()
  set<R, N extends Need>(def: CollectorDef<R, N>, value: R): void {
    this.results.set(def, value)
  }
  has(def: CollectorDef): boolean {
    return this.results.has(def)
  }
  get<R, N extends Need>(def: CollectorDef<R, N>): R {
    if (!this.results.has(def)) throw new Error(`collector "${def.name}" did not run in this run`)
    return this.results.get(def) as R
  }
}

/** Runs collectors over one source: creates those the source can feed, and hands each event on. */
export class CollectorSet {
  private readonly all: { def: CollectorDef; collector: Collector }[]
  private readonly sessionCollectors: Collector[]

  constructor(defs: readonly CollectorDef[], source: AnySource) {
    const have = providedNeeds(source)
    this.all = defs
      .filter((def) => def.needs.every((n) => have.has(n)))
      .map((def) => ({ def, collector: def.create(source as never) }))
    this.sessionCollectors = this.all.filter((c) => c.collector.session).map((c) => c.collector)
  }

  start(): void {
    for (const { collector } of this.all) collector.start?.()
  }
  session(o: SessionOutcome): void {
    for (const c of this.sessionCollectors) c.session!(o)
  }
  roundEnd(view: RoundView): void {
    for (const { collector } of this.all) collector.roundEnd?.(view)
  }
  roundClosed(view: RoundView): void {
    for (const { collector } of this.all) collector.roundClosed?.(view)
  }
  result(): Collected {
    const collected = new Collected()
    for (const { def, collector } of this.all) collected.set(def, collector.result())
    return collected
  }
}

/** What a source leaves for the metrics once it is exhausted: its totals, its context and what was gathered. */
export interface Measured {
  totals: RoundTotals
  source: AnySource
  collected: Collected
}
