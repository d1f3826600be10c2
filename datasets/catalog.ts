/**
 * The columnar marketplace: every entity is a set of parallel typed arrays indexed by a dense id.
 * The generator and the CSV importer both produce a Catalog; the engine clones it per run and
 * mutates the dynamic columns (price, reviews, sales, bids, activity) round after round.
 */
export const ARCHETYPES = ['factory', 'trader', 'brand'] as const
export const ORIGINS = ['cross-border', 'local'] as const
export const SIZE_TIERS = ['small', 'medium', 'large'] as const
/** Departments decide the referral-fee bracket (see algorithms/kit/fees.ts). */
export const DEPARTMENTS = ['clothing', 'electronics', 'home', 'beauty', 'toys', 'sports', 'kitchen', 'tools', 'pets', 'office'] as const
/** Dimensions of the topic space in which products, queries and buyer interests live. */
export const TOPIC_DIMS = 8
/** How many favourite categories each buyer has (feed sessions draw from them). */
export const BUYER_FAVOURITES = 3

export type Archetype = (typeof ARCHETYPES)[number]
export type Department = (typeof DEPARTMENTS)[number]

export interface Categories {
  count: number
  name: string[]
  department: Uint8Array
  /** Share of search sessions that ask for this category (sums to 1). */
  popularity: Float64Array
  /** Typical retail price in the category, in dollars: the unit of buyers' values. */
  refPrice: Float64Array
  /** Base CPC bid in dollars; a product's bid is its seller's bidLevel × this. */
  baseBid: Float64Array
  /** Unit topic vector per category, row-major count × TOPIC_DIMS. */
  centroid: Float32Array
  /** CSR index: the products of category c are products[start[c] .. start[c+1]). */
  start: Int32Array
  products: Int32Array
}

export interface Sellers {
  count: number
  id: string[]
  archetype: Uint8Array
  origin: Uint8Array
  deliveryDays: Float64Array
  sizeTier: Uint8Array
  joinRound: Int32Array
  /** Multiplier on an item's base cost: factories lowest. */
  costEfficiency: Float64Array
  /** Dollars a seller may spend on ads per round (0 = never advertises). */
  adBudget: Float64Array
  /** Unspent ad budget of the current round; the engine refills it each round. */
  budgetLeft: Float64Array
  /** The seller's bid level: product CPC bid = bidLevel × category base bid. Adapts between rounds. */
  bidLevel: Float64Array
  adSkill: Float64Array
  contentSkill: Float64Array
  stores: Int32Array
  /** 1 while the seller is in the market (joined and not exited). */
  active: Uint8Array
}

export interface Products {
  count: number
  id: string[]
  seller: Int32Array
  category: Int32Array
  /** Identical-product group: the same item offered by several sellers. */
  group: Int32Array
  quality: Float64Array
  unitCost: Float64Array
  /** The seller's declared price (on managed platforms the platform marks it up to retail). */
  price: Float64Array
  priceElsewhere: Float64Array
  weightLb: Float64Array
  /** Share of buyers who buy again; a known item property, used by amazon's organic score. */
  repeatRate: Float64Array
  /** Unit topic vector per product, row-major count × TOPIC_DIMS. */
  topic: Float32Array
  reviews: Float64Array
  ratingSum: Float64Array
  /** Cumulative orders (starting history included). */
  sales: Float64Array
  /** Exponentially decayed orders per round. */
  salesVelocity: Float64Array
  /** Cumulative impressions, clicks and exposure during the run (start at 0). */
  impressions: Float64Array
  clicks: Float64Array
  exposure: Float64Array
  /** Current CPC bid in dollars (0 = not advertised). */
  bid: Float64Array
  /** 1 when the product can be shown: its seller is active. */
  listed: Uint8Array
}

export interface Buyers {
  count: number
  /** Unit interest vector per buyer, row-major count × TOPIC_DIMS. */
  interest: Float32Array
  /** BUYER_FAVOURITES category ids per buyer, row-major. */
  favourites: Int32Array
  /** Weight on price in the choice model (1 = average buyer). */
  priceSensitivity: Float64Array
  /** Weight on delivery time in the choice model (1 = average buyer). */
  deliverySensitivity: Float64Array
}

export interface Catalog {
  categories: Categories
  sellers: Sellers
  products: Products
  buyers: Buyers
  groupCount: number
}

export function averageRating(reviews: number, ratingSum: number, prior = 3.5, priorWeight = 3): number {
  return (ratingSum + prior * priorWeight) / (reviews + priorWeight)
}
