import type { z } from 'zod'
import type { Catalog, Department } from '../../core/catalog.ts'
import type { Rng } from '../../core/rng.ts'
import type { Slots } from './slots.ts'

/** A column a plugin may read. It is the plugin's own copy: writing it changes nothing but the plugin's own view. */
export interface ReadonlyColumn {
  readonly [index: number]: number
  readonly length: number
}
type ReadonlyEntity<T> = {
  readonly [K in keyof T]: T[K] extends ArrayLike<number>
    ? ReadonlyColumn
    : T[K] extends string[]
      ? readonly string[]
      : T[K]
}

/**
 * What a platform observes of its market: prices, reviews and ratings, sales, impressions, clicks,
 * exposure, bids and budgets as the ad system sees them, and the seller and product attributes a
 * platform records. Everything else in the catalog is the hidden truth the buyer model draws on
 * (true quality, unit costs, topic vectors, buyers' interests and sensitivities, sellers' ad and
 * content skill, cost efficiency): plugins never receive it. bench/market/view.ts builds the view
 * from these lists.
 */
export const OBSERVABLE_COLUMNS = {
  categories: ['name', 'department', 'popularity', 'refPrice', 'baseBid', 'start', 'products'],
  sellers: [
    'id',
    'archetype',
    'origin',
    'deliveryDays',
    'sizeTier',
    'joinRound',
    'adBudget',
    'budgetLeft',
    'bidLevel',
    'stores',
    'active',
  ],
  products: [
    'id',
    'seller',
    'category',
    'group',
    'price',
    'priceElsewhere',
    'weightLb',
    'repeatRate',
    'reviews',
    'ratingSum',
    'sales',
    'salesVelocity',
    'impressions',
    'clicks',
    'exposure',
    'bid',
    'listed',
  ],
  buyers: [],
} as const satisfies { [E in keyof Omit<Catalog, 'groupCount'>]: readonly (keyof Catalog[E])[] }

type Observed<E extends keyof typeof OBSERVABLE_COLUMNS> = ReadonlyEntity<
  Pick<Catalog[E], Extract<(typeof OBSERVABLE_COLUMNS)[E][number] | 'count', keyof Catalog[E]>>
>
/** The market as a plugin sees it: the observable columns only (OBSERVABLE_COLUMNS), as the plugin's own copies. */
export interface MarketView {
  readonly categories: Observed<'categories'>
  readonly sellers: Observed<'sellers'>
  readonly products: Observed<'products'>
  readonly buyers: Observed<'buyers'>
  readonly groupCount: number
}

/**
 * The hidden truth, handed only to a plugin that declares `truth: true` (reference upper bounds
 * such as `oracle`). `relevance` is the current session's true relevance, aligned with its candidates.
 */
export interface TruthView {
  readonly quality: ReadonlyColumn
  readonly relevance: ReadonlyColumn
}

export type SessionKind = 'search' | 'feed'

/**
 * One buyer visit. The arrays are reusable buffers refilled every session: read them during
 * `rank`, never keep them. Only the first `n` entries of `candidates` and `relevance` are valid.
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
  /**
   * The platform's estimated relevance in [0, 1] of each candidate to this session's intent: the
   * true relevance plus the retrieval model's error (market.retrieval.relevanceNoise; bench/METRICS.md).
   */
  readonly relevance: Float64Array
}

/** What one session's buyer did with the slots a plugin filled (Ranker.onSession). Valid during the call only. */
export interface SessionFeedback {
  readonly round: number
  readonly kind: SessionKind
  readonly buyer: number
  readonly category: number
  /** Slots shown; the first `count` entries of products, cpc and clicked are valid. */
  readonly count: number
  readonly products: ReadonlyColumn
  /** The slot's CPC (0 = organic); a sponsored slot was charged it when clicked. */
  readonly cpc: ReadonlyColumn
  /** 1 where the buyer examined the slot and clicked it. */
  readonly clicked: ReadonlyColumn
  /** The slot bought from, or -1. */
  readonly purchasedSlot: number
  /** The retail price paid, 0 without a purchase. */
  readonly retailPrice: number
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
  /**
   * Batch mode, when declared: the engine draws a round's sessions first and asks for all their
   * slates at once (one Slots per session, in order), then the buyers act in session order. The
   * plugin sees the market as of the round's start (features refreshed daily); it may take its time
   * (return a Promise). As in rank(), the sessions' arrays are reused once the call is over (once its
   * Promise settles): copy what must be kept.
   */
  rankBatch?(sessions: Session[], slots: Slots[]): void | Promise<void>
  /** Called once when the run is over: release what the ranker holds. */
  close?(): void | Promise<void>
  /** Called after each round with its outcomes (learning plugins update here). */
  observe?(feedback: RoundFeedback): void
  /** Called right after the buyer of each ranked session acts; leave it out and it costs nothing. */
  onSession?(feedback: SessionFeedback): void
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
  /**
   * Fees in dollars per unit sold besides referral (fulfilment, storage, per-item selling fees), charged to the seller.
   */
  fulfilmentFee(weightLb: number, localWarehouse: boolean): number
  /** Days from order to delivery, given the seller's own delivery time (platform logistics may change it). */
  deliveryDays(sellerDays: number, localWarehouse: boolean): number
}

export interface PluginContext<P> {
  readonly market: MarketView
  readonly params: P
  readonly rng: Rng
  readonly k: number
  /** Only for plugins that declare `truth: true`. */
  readonly truth?: TruthView
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
  /** What it models: source ids of docs/SOURCES.md (e.g. '000') and fact ids (seeds/facts.json). */
  claims: string[]
  /** Tunable parameters with defaults; `--param name.key=value` is validated against it. */
  params: S
  /**
   * Opt-in to the hidden truth (TruthView in the context): only for reference upper bounds such
   * as `oracle`; `bench list` marks such plugins. A platform never knows it.
   */
  truth?: true
  /**
   * Refuses parameter values that cannot mean anything in a scenario (e.g. an ad position beyond k),
   * checked with the scenario's k before any session runs; the problem names the parameter.
   */
  validate?(params: z.infer<S>, scenario: { k: number }): ParamProblem | undefined
  /**
   * Files the plugin reads besides its modules (weights, tables), relative to its own file; a folder
   * stands for everything in it. Their content is part of its cells' hashes: a run resumed after a
   * change reruns those cells. `bench check` names files read in create() that are not declared.
   */
  files?: string[]
  /**
   * Files the plugin reads as its parameters say (a model's path), as the user gave them (relative to the
   * working directory): part of the cell's hash like `files`.
   */
  paramFiles?(params: z.infer<S>): string[]
  /** Economic rules; anything left out takes the kit's neutral default (kit/fees.ts). */
  platform?(params: z.infer<S>): Partial<PlatformRules>
  create(context: PluginContext<z.infer<S>>): Ranker
}

/** Identity with types: write `export default definePlugin({ … })` to get parameter inference. */
export function definePlugin<S extends z.ZodObject>(plugin: Plugin<S>): Plugin<S> {
  return plugin
}
