import { z } from 'zod'

const share = z.number().min(0).max(1)
const byArchetype = (factory: number, trader: number, brand: number) =>
  z
    .object({ factory: share.default(factory), trader: share.default(trader), brand: share.default(brand) })
    .strict()
    .prefault({})

/**
 * Parameters of the synthetic catalog. Every default is a modelling assumption unless a
 * comment cites a source (docs/SOURCES.md) — they shape a plausible marketplace,
 * they are not measurements.
 */
export const CatalogParamsSchema = z
  .object({
    categories: z.number().int().min(1).default(100),
    sellers: z.number().int().min(1).default(2000),
    products: z.number().int().min(1).default(50000),
    buyers: z.number().int().min(1).default(20000),
    /** Zipf exponent of category popularity. */
    categoryZipf: z.number().min(0).default(1),
    /** Sellers pick categories in proportion to popularity^this: supply follows demand, sublinearly. */
    supplyFollowsDemand: z.number().min(0).default(0.5),
    /** Median of category reference prices in dollars. */
    medianPrice: z.number().positive().default(25),
    /** Share of sellers that join after round 0 (entrants). */
    entrantShare: share.default(0.2).meta({ plausible: [0.1, 0.3], basis: 'assumption' }),
    /** Entrants join uniformly over the first this-fraction of the rounds. */
    entryHorizon: share.default(0.7),
    /** Seller archetype mix; normalised. Factories, traders and brands as in 000 and 004. */
    archetypeMix: byArchetype(0.3, 0.5, 0.2),
    /** Share of each archetype shipping cross-border rather than from a local warehouse. */
    crossBorderShare: byArchetype(0.8, 0.6, 0.3),
    /**
     * Share of each archetype that advertises at all: most do, as ads are hard to avoid on Amazon and AliExpress (seed
     * 000).
     */
    advertiserShare: byArchetype(0.6, 0.7, 0.9),
    /** Delivery days: local warehouse next day to 3 days, cross-border a week or more (000). */
    localDeliveryDays: z.tuple([z.number().positive(), z.number().positive()]).default([1, 3]),
    crossBorderDeliveryDays: z.tuple([z.number().positive(), z.number().positive()]).default([7, 15]),
    /** Tail index of products per seller: smaller = fewer giant trees holding more of the catalog. */
    sellerSizeTail: z.number().positive().default(1.1),
    /**
     * Probability that a new product is another seller's offer of an item already in the category,
     * by the offering seller's archetype (a number sets all three). Factories and the traders who
     * buy from them sell the same goods (000, 004); brands sell their own lines, which is why
     * Chinese sellers turn to building brands (000) — so brands rarely offer an item others sell,
     * and no one offers a brand's item (the three rates are assumptions; their mix-weighted mean is
     * about 0.45).
     */
    identicalOfferRate: z
      .union([share.transform((rate) => ({ factory: rate, trader: rate, brand: rate })), byArchetype(0.5, 0.55, 0.1)])
      .prefault({}),
    /**
     * Prices on other platforms: own price × (1 + offset + spread × N(0,1)); the defaults make ~10% of
     * listings cheaper elsewhere (assumption).
     */
    priceElsewhereSpread: z.number().min(0).default(0.12),
    priceElsewhereOffset: z.number().default(0.15),
    /** Median ad budget per round in dollars of an advertising seller with one store. */
    medianAdBudget: z.number().min(0).default(6),
    /** Entrants' ad budgets relative to incumbents' of the same size: new stores have less to spend (assumption). */
    entrantBudgetFactor: z
      .number()
      .min(0)
      .default(0.5)
      .meta({ plausible: [0.25, 1], basis: 'assumption' }),
    /**
     * Median starting CPC bid as a share of the category reference price: about $1.25 at $25, between the CPC seed 000
     * reports for 2016 (under $0.50) and for today (over $1.50); bids then adapt (calibrated so that F9 holds;
     * assumption).
     */
    baseBidShare: z
      .number()
      .min(0)
      .default(0.05)
      .meta({ plausible: [0.02, 0.06], basis: 'seed 000: CPCs under $0.50 (2016) to over $1.50 (today) at $25' }),
  })
  .strict()

export type CatalogParams = z.infer<typeof CatalogParamsSchema>
