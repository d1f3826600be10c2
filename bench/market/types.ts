import type { PlatformRules, Ranker, SessionKind } from '../../algorithms/kit/contract.ts'
import type { Catalog } from '../../core/catalog.ts'
import type { MarketParams } from './params.ts'

/**
 * One session as it happened: what was retrieved and shown, what was clicked and bought. The
 * arrays are the engine's reused buffers: read them during the call, never keep them.
 */
export interface SessionOutcome {
  round: number
  /** 0-based index of the session within the run. */
  session: number
  kind: SessionKind
  buyer: number
  /** The searched category, or -1 for a feed visit. */
  category: number
  /** Candidates retrieved; the first n entries of candidates and relevance are valid. */
  n: number
  candidates: Int32Array
  /** True relevance of each candidate (the hidden truth: plugins see an estimate, Session.relevance). */
  relevance: Float64Array
  /** Slots filled; the first `count` entries of products, cpc, slotRelevance and clicked are valid. */
  count: number
  products: Int32Array
  cpc: Float64Array
  slotRelevance: Float64Array
  /** 1 where the buyer clicked the slot. */
  clicked: Uint8Array
  /** The slot bought from, or -1. The order's fields below are valid only when it is ≥ 0. */
  purchasedSlot: number
  retailPrice: number
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
  commission: number
  fulfilmentFees: number
  adRevenue: number
  impressions: number
  sponsoredImpressions: number
  sponsoredClicks: number
}

/** What the engine shows collectors at the end of a round. Arrays are the engine's: read, never write or keep. */
export interface RoundView {
  round: number
  /**
   * The run's market: before seller dynamics at roundEnd (prices as they stood during the round), after them at
   * roundClosed.
   */
  market: Catalog
  rules: PlatformRules
  totals: RoundTotals
  /** Per product, this round. */
  impressions: Int32Array
  clicks: Int32Array
  orders: Int32Array
  exposure: Float64Array
  /** Per seller, this round: what it billed (declared price × units), fees paid, ad spend. */
  sellerRevenue: Float64Array
  sellerFees: Float64Array
  sellerAdSpend: Float64Array
  /** Per seller, this round, valid at roundClosed: margin − ad spend − overhead while active (0 otherwise). */
  sellerProfit: Float64Array
}

/** What a collector is told when a run starts. */
export interface RunContext {
  /** The run's own market (its dynamic columns change as the run goes). */
  market: Catalog
  params: MarketParams
  rules: PlatformRules
  /** The plugin's parameters for this run (e.g. amazon-haul's box, read by the haul-box metric). */
  pluginParams?: Readonly<Record<string, unknown>>
  /** Examination weight of each slot position. */
  exam: Float64Array
  k: number
}

/**
 * Gathers what some metrics need, at the points the engine calls: per session, at the end of each
 * round (before and after seller dynamics). Metrics name the collectors they read
 * (bench/metrics/definitions.ts); a run creates only the collectors its metrics need.
 */
export interface Collector<R = unknown> {
  /** Before round 0, once the market is priced for the platform. */
  start?(market: Catalog): void
  session?(o: SessionOutcome): void
  roundEnd?(view: RoundView): void
  roundClosed?(view: RoundView): void
  /** The collected data, once the run is over. */
  result(): R
}

export interface CollectorDef<R = unknown> {
  /** Unique name, used in error messages and the manifest. */
  readonly name: string
  create(context: RunContext): Collector<R>
}

export function defineCollector<R>(def: CollectorDef<R>): CollectorDef<R> {
  return def
}

/** Each collector's result, by definition. */
export class Collected {
  private readonly results = new Map<CollectorDef, unknown>()
  set<R>(def: CollectorDef<R>, value: R): void {
    this.results.set(def as CollectorDef, value)
  }
  get<R>(def: CollectorDef<R>): R {
    if (!this.results.has(def as CollectorDef)) throw new Error(`collector "${def.name}" did not run in this run`)
    return this.results.get(def as CollectorDef) as R
  }
}

export interface RunOutcome {
  totals: RoundTotals
  collected: Collected
  /** Seller activity at the end of the run. */
  activeAtEnd: Uint8Array
  /** Wall time of the timed simulation (after the warm-up; not deterministic). */
  elapsedMs: number
  /** Sessions in elapsedMs: all of the run's but the warm-up's. */
  timedSessions: number
  /** Peak of V8 heap + array buffers sampled at round ends, in bytes (not deterministic). */
  peakMemoryBytes: number
  /** Sessions of the last round kept for the rank() throughput benchmark. */
  captured: CapturedSession[]
  ranker: Ranker
  market: Catalog
}

export interface CapturedSession {
  kind: SessionKind
  buyer: number
  category: number
  round: number
  candidates: Int32Array
  relevance: Float64Array
}

/** The plugin hook that was running. */
export type PluginHook = 'create' | 'rank' | 'observe' | 'onSession' | 'globals'

/**
 * A plugin failed: it threw, broke the contract or patched a global. The fields say which plugin,
 * where (seed; round, null before round 0; hook) and the plugin file's line from the stack
 * (file:line:column; the file alone when the stack has no frame of it), so a results writer can
 * put them in a table; the message says them in words.
 */
export class PluginError extends Error {
  override name = 'PluginError'
  constructor(
    readonly plugin: string,
    readonly seed: number,
    readonly round: number | null,
    readonly hook: PluginHook,
    readonly location: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const at = round === null ? 'before round 0' : `round ${round}`
    super(`plugin "${plugin}", seed ${seed}, ${at}, ${hook}()${location ? ` at ${location}` : ''}: ${problem}`, options)
  }
}

/** A plugin broke the contract (bad slots); same fields as PluginError. */
export class PluginOutputError extends PluginError {
  override name = 'PluginOutputError'
}
