import { z } from 'zod'
import { EXAMINATION_CURVES, type ExaminationCurveName } from '../../algorithms/kit/attention.ts'

const share = z.number().min(0).max(1)

/** The buyer model's coefficients (modelling assumptions; see bench/METRICS.md § model). */
export const BuyerParamsSchema = z
  .object({
    /** Logit of the click probability of an examined slot: base + weights × signals. */
    clickBase: z.number().default(-5),
    clickRelevance: z.number().default(3),
    clickRating: z.number().default(1.5),
    clickPrice: z.number().default(1),
    /** Feed sessions only: video quality (the seller's content skill) draws clicks. */
    clickContent: z.number().default(1.5),
    /** A perfect, fully relevant item is worth valueScale × the category reference price. */
    valueScale: z.number().positive().default(1.6),
    /** What not buying is worth, as a share of the reference price: the outside option of the choice. */
    outsideValue: z.number().default(0.6),
    /** Scale of the Gumbel taste noise in the choice, as a share of the reference price. */
    choiceNoise: z.number().positive().default(0.25),
    /** Cost of waiting one day, as a share of the reference price (× the buyer's delivery sensitivity). */
    deliveryCostPerDay: z.number().min(0).default(0.012),
  })
  .strict()

/**
 * The seller exit model (bench/market/sellers/life-cycle.ts). Profits are per round, net of fixed
 * costs; v = (outlook − outside option) / fixed costs is the seller's expected profit over its outside
 * option in units of its fixed costs (0 = break-even, −1 = a store that sells nothing).
 */
export const ExitParamsSchema = z
  .object({
    /**
     * Weight of the break-even prior, in rounds of evidence: before any sales a seller believes staying is worth its
     * outside option (assumption).
     */
    priorRounds: z.number().min(0).default(10),
    /**
     * Weight of last round's profit relative to this round's in the exponentially weighted estimate: a memory of about
     * 1/(1 − 0.9) = 10 rounds (assumption).
     */
    memory: z.number().min(0).max(1).default(0.9),
    /** Holt's trend smoothing β: share of the latest change in the estimate that enters the trend (assumption). */
    trendSmoothing: share.default(0.3),
    /**
     * Damping φ of the trend per round ahead (Gardner & McKenzie 1985 damped trend; assumption): a seller carries its
     * trend about 9.6 rounds ahead on average over a 30-round horizon.
     */
    trendDamping: z.number().min(0).max(0.99).default(0.95),
    /** Rounds ahead the seller plans over: a month of daily rounds (assumption). */
    horizon: z.number().int().min(1).default(30),
    /**
     * What a store's resources earn elsewhere per round, in dollars (0: normalised away as in Hopenhayn 1992;
     * assumption).
     */
    outsideOptionPerStore: z.number().min(0).default(0),
    /**
     * Daily exit hazard of a seller whose outlook is short of its outside option by exactly its fixed costs (a store
     * selling nothing): 0.0035 ≈ 10% a month, about 5.5× the BLS first-year hazard of new establishments; calibrated
     * once so that survival under relevance on default lies in the plausible range of METRICS.md.
     */
    hazardPerShortfall: share
      .default(0.0035)
      .meta({ plausible: [0.002, 0.006], basis: 'assumption: 6% to 17% a month for a store selling nothing' }),
    /**
     * Cap on the daily exit hazard: winding a store down (stock, contracts) takes at least about 1/0.1 = 10 days on
     * average (assumption).
     */
    maxHazard: share.default(0.1),
  })
  .strict()

export const MarketParamsSchema = z
  .object({
    rounds: z.number().int().min(1).default(30),
    sessionsPerRound: z.number().int().min(1).default(5000),
    /** k: the positions a session sees. */
    slots: z.number().int().min(1).max(200).default(20),
    /**
     * The buyer's chance of examining each position: a named curve (log2 = 1/log2(r+1), the default, after the
     * discount of DCG; reciprocal = 1/r; none = 1) or measured weights in [0, 1] for positions 1, 2, … (the last one
     * carries on past the list's end), as bench calibrate fits them from a log.
     */
    examination: z
      .union([
        z.enum(Object.keys(EXAMINATION_CURVES) as [ExaminationCurveName, ...ExaminationCurveName[]]),
        z.array(share).min(1, 'expected at least the weight of position 1'),
      ])
      .default('log2'),
    /**
     * Randomize each slate's order (a uniform permutation of what the plugin shows, ads included) before the buyer
     * sees it, as an experiment that randomizes positions does: a log written then records position effects free
     * of the ranker's choices, and its propensity column (1 / the slate's size, given the slate's products) lets
     * bench rerank weigh it. Off by default.
     */
    shuffleSlates: z.boolean().default(false),
    /** Feed candidate generation: products drawn per favourite category for one feed visit. */
    feedPoolPerCategory: z.number().int().min(1).default(250),
    /**
     * Candidate generation (bench/market/retrieval.ts): at most maxCandidates (R) per session; a
     * category with more listed products gives each of `segments` buyer segments its own R best
     * (assumptions: R = 800, near the default's typical category (a search there averages 661
     * candidates unbounded), so results barely move (docs/BENCHMARKS.md); 16 segments).
     * relevanceNoise: σ of the platform's relevance-estimation error (bench/market/noise.ts; 0 = plugins see the true
     * relevance).
     */
    retrieval: z
      .object({
        maxCandidates: z.number().int().min(1).max(65535).default(800),
        segments: z.number().int().min(1).max(255).default(16),
        relevanceNoise: z
          .number()
          .min(0)
          .max(1)
          .default(0.1)
          .meta({ plausible: [0.05, 0.2], basis: 'assumption' }),
      })
      .strict()
      .prefault({}),
    /** Sales velocity keeps this share of itself each round, plus the round's orders. */
    velocityDecay: share.default(0.85),
    /** Chance that an order leaves a review. */
    reviewRate: share.default(0.15),
    /** Seller exit (bench/market/sellers/life-cycle.ts; sources and derivations in bench/METRICS.md § Seller exit). */
    exit: ExitParamsSchema.prefault({}),
    /**
     * Fixed cost per store per round in dollars (staff, storage; assumption): a store without sales loses it, and the
     * exit model measures shortfalls in it.
     */
    overheadPerStore: z.number().positive().default(0.1),
    /** Relative step of bid adaptation between rounds. */
    bidStep: share.default(0.1),
    /**
     * Advertisers keep raising bids while ad spend stays below (1 + this) × the margin their ads
     * earned: they pay for visibility beyond the direct return to feed their organic rank
     * (assumption; seed 000 describes rising ad costs sellers cannot avoid).
     */
    adLossTolerance: z
      .number()
      .min(0)
      .default(0.5)
      .meta({ plausible: [0.25, 1], basis: 'assumption' }),
    /**
     * Sellers price the platform's fees into their declared price: before round 0 an offer below its
     * fee-covering floor is raised to it (seed 000: Amazon's costs raise its prices). Off: offers keep
     * the catalog's price even where an order loses money.
     */
    feePricing: z.boolean().default(true),
    /** Relative step of a declared-price cut on price-first platforms. */
    priceCutStep: share.default(0.05),
    /** The lowest margin over unit cost each archetype accepts when cutting prices (factories go lowest: 000). */
    minMargin: z
      .object({
        factory: z.number().min(0).default(0.15),
        trader: z.number().min(0).default(0.25),
        brand: z.number().min(0).default(0.3),
      })
      .strict()
      .prefault({}),
    buyer: BuyerParamsSchema.prefault({}),
  })
  .strict()

export type MarketParams = z.infer<typeof MarketParamsSchema>
export type BuyerParams = z.infer<typeof BuyerParamsSchema>
export type ExitParams = z.infer<typeof ExitParamsSchema>
