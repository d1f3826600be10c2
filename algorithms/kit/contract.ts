import type { z } from 'zod'
import type { Catalog, Department } from '../../datasets/catalog.ts'
import type { Rng } from '../../datasets/rng.ts'
import type { Slots } from './slots.ts'

/** A column a plugin may read but not write. */
export interface ReadonlyColumn {
  readonly [index: number]: number
  readonly length: number
}
type ReadonlyEntity<T> = {
  readonly [K in keyof T]: T[K] extends ArrayLike<number> ? ReadonlyColumn : T[K] extends string[] ? readonly string[] : T[K]
}
/** The market as a plugin sees it: every column of the catalog and its live state, read-only. */
export type MarketView = { readonly [K in keyof Catalog]: Catalog[K] extends object ? ReadonlyEntity<Catalog[K]> : Catalog[K] }

export type SessionKind = 'search' | 'feed'

/**
 * One buyer visit. The arrays are the engine's reusable buffers: read them during `rank`,
 * never keep them. Only the first `n` entries of `candidates` and `relevance` are valid.
 */
export interface Session {
  readonly round: number
  readonly kind: SessionKind
  readonly buyer: number
  /** The searched category, or -1 for a feed visit. */
  readonly category: number
  /** How many slots the buyer sees. */
  readonly k: number
  readonly n: number
  /** Product ids retrieved for this session (listed products only). */
  readonly candidates: Int32Array
  /** True relevance in [0, 1] of each candidate to this session's intent. */
  readonly relevance: Float64Array
}

/** What happened in one round, per product (indexed by product id) and per seller. */
export interface RoundFeedback {
  readonly round: number
  readonly impressions: ReadonlyColumn
  readonly clicks: ReadonlyColumn
  readonly orders: ReadonlyColumn
  readonly exposure: ReadonlyColumn
  readonly sellerAdSpend: ReadonlyColumn
}

export interface Ranker {
  /** Fill up to session.k slots with candidate products; sponsored slots carry their CPC. */
  rank(session: Session, slots: Slots): void
  /** Called after each round with its outcomes (learning plugins update here). */
  observe?(feedback: RoundFeedback): void
}

/** The platform's economic rules that the engine applies around the ranking. */
export interface PlatformRules {
  /** 'feed' sessions have no query: candidates come from the buyer's interests (TikTok). */
  sessionKind: SessionKind
  /** Price-first platforms make sellers cut their declared price when they lose their group (Temu). */
  priceFirst: boolean
  /** Retail price = declared price × retailMarkup; the platform keeps the difference (managed model). */
  retailMarkup: number
  /** Referral commission as a share of the retail price. */
  referralRate(department: Department, retailPrice: number): number
  /** Fees in dollars per unit sold besides referral (fulfilment, storage, per-item selling fees), charged to the seller. */
  fulfilmentFee(weightLb: number, localWarehouse: boolean): number
  /** Days from order to delivery, given the seller's own delivery time (platform logistics may change it). */
  deliveryDays(sellerDays: number, localWarehouse: boolean): number
}

export interface PluginContext<P> {
  readonly market: MarketView
  readonly params: P
  readonly rng: Rng
  readonly k: number
}

/** A parameter value refused by a plugin's `validate`: which parameter, and why. */
export interface ParamProblem {
  key: string
  message: string
}

export interface Plugin<S extends z.ZodObject = z.ZodObject> {
  /** Unique, lower-case, used on the command line. */
  name: string
  /** One line: what rule the plugin models. */
  summary: string
  /** What it models: seed file names (../shared/seeds/) and fact ids. */
  claims: string[]
  /** Tunable parameters with defaults; `--param name.key=value` is validated against it. */
  params: S
  /**
   * Refuses parameter values that cannot mean anything in a scenario (e.g. an ad position beyond k),
   * checked with the scenario's k before any session runs; the problem names the parameter.
   */
  validate?(params: z.infer<S>, scenario: { k: number }): ParamProblem | undefined
  /** Economic rules; anything left out takes the kit's neutral default (kit/fees.ts). */
  platform?(params: z.infer<S>): Partial<PlatformRules>
  create(context: PluginContext<z.infer<S>>): Ranker
}

/** Identity with types: write `export default definePlugin({ … })` to get parameter inference. */
export function definePlugin<S extends z.ZodObject>(plugin: Plugin<S>): Plugin<S> {
  return plugin
}
