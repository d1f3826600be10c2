/**
 * The columnar marketplace: every entity is a set of parallel typed arrays indexed by a dense id.
 * The generator and the CSV importer both produce a Catalog; each run forks it (forkCatalog) and
 * mutates its own copies of the dynamic columns (price, reviews, sales, bids, activity), or, when
 * the catalog is its alone (a cell's), writes them in place (catalogAsGenerated keeps what the metrics read).
 */
export const ARCHETYPES = ['factory', 'trader', 'brand'] as const
export const ORIGINS = ['cross-border', 'local'] as const
export const SIZE_TIERS = ['small', 'medium', 'large'] as const
/** Departments decide the referral-fee bracket (see algorithms/kit/fees.ts). */
export const DEPARTMENTS = [
  'clothing',
  'electronics',
  'home',
  'beauty',
  'toys',
  'sports',
  'kitchen',
  'tools',
  'pets',
  'office',
] as const
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
  /**
   * Median starting price of the category's products, in dollars: plugins' price scale (buyers value items on
   * products.refPrice).
   */
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

/** Ids by index: a plain string array (imported) or generated on demand (PrefixedIds). */
export interface IdList {
  readonly length: number
  at(index: number): string | undefined
}

/** Generated ids "p0", "p1", …: computed when asked for, so a million products keep no strings. */
export class PrefixedIds implements IdList {
  constructor(
    private readonly prefix: string,
    readonly length: number,
  ) {}
  at(index: number): string | undefined {
    return index >= 0 && index < this.length ? `${this.prefix}${index}` : undefined
  }
}

/**
 * Product columns, each in the narrowest typed array that holds it: counts in Int32, quantities
 * that are neither money nor accumulated exposure in Float32, money and exposure in Float64.
 */
export interface Products {
  count: number
  id: IdList
  seller: Int32Array
  category: Int32Array
  /** Identical-product group: the same item offered by several sellers. */
  group: Int32Array
  quality: Float32Array
  unitCost: Float32Array
  /** The seller's declared price (on managed platforms the platform marks it up to retail). */
  price: Float64Array
  priceElsewhere: Float64Array
  /**
   * The reference price buyers value the item on, in dollars (datasets/reference.ts): fixed at the catalog's starting
   * prices.
   */
  refPrice: Float64Array
  /** Pounds; NaN when the catalog does not say (an imported catalog without weights). */
  weightLb: Float32Array
  /** Share of buyers who buy again; a known item property, used by amazon's organic score. */
  repeatRate: Float32Array
  /** Unit topic vector per product, row-major count × TOPIC_DIMS. */
  topic: Float32Array
  reviews: Int32Array
  /** Σ stars of the reviews; a review whose stars are unknown (see unratedReviews) counts RATING_PRIOR stars. */
  ratingSum: Float32Array
  /** Of the starting reviews, how many have unknown stars (an imported count with a blank rating); 0 when generated. */
  unratedReviews: Int32Array
  /** Cumulative orders (starting history included). */
  sales: Int32Array
  /** Exponentially decayed orders per round. */
  salesVelocity: Float32Array
  /** Cumulative impressions, clicks and exposure during the run (start at 0). */
  impressions: Int32Array
  clicks: Int32Array
  exposure: Float64Array
  /** Current CPC bid in dollars (0 = not advertised). */
  bid: Float32Array
  /** 1 when the product can be shown: its seller is active. */
  listed: Uint8Array
}

/** Zeroed product columns for n products (ids given). */
export function emptyProducts(n: number, id: IdList): Products {
  return {
    count: n,
    id,
    seller: new Int32Array(n),
    category: new Int32Array(n),
    group: new Int32Array(n),
    quality: new Float32Array(n),
    unitCost: new Float32Array(n),
    price: new Float64Array(n),
    priceElsewhere: new Float64Array(n),
    refPrice: new Float64Array(n),
    weightLb: new Float32Array(n),
    repeatRate: new Float32Array(n),
    topic: new Float32Array(n * TOPIC_DIMS),
    reviews: new Int32Array(n),
    ratingSum: new Float32Array(n),
    unratedReviews: new Int32Array(n),
    sales: new Int32Array(n),
    salesVelocity: new Float32Array(n),
    impressions: new Int32Array(n),
    clicks: new Int32Array(n),
    exposure: new Float64Array(n),
    bid: new Float32Array(n),
    listed: new Uint8Array(n),
  }
}

/** The product and seller columns a run writes; every other column is shared, read-only, with the catalog. */
const RUN_PRODUCT_COLUMNS = [
  'price',
  'priceElsewhere',
  'reviews',
  'ratingSum',
  'sales',
  'salesVelocity',
  'impressions',
  'clicks',
  'exposure',
  'bid',
  'listed',
] as const
const RUN_SELLER_COLUMNS = ['budgetLeft', 'bidLevel', 'active'] as const

/** A run's own market: fresh copies of the columns the run writes, the catalog's own arrays for the rest. */
export function forkCatalog(c: Catalog): Catalog {
  const products = { ...c.products }
  for (const key of RUN_PRODUCT_COLUMNS) (products as Record<string, unknown>)[key] = c.products[key].slice()
  const sellers = { ...c.sellers }
  for (const key of RUN_SELLER_COLUMNS) (sellers as Record<string, unknown>)[key] = c.sellers[key].slice()
  return { ...c, products, sellers }
}

/**
 * The catalog as generated, for what is computed after a run: every column a run leaves alone,
 * and the starting prices (the one written column the metrics compare with).
 */
export interface CatalogAsGenerated extends Omit<Catalog, 'products' | 'sellers'> {
  products: Omit<Products, (typeof RUN_PRODUCT_COLUMNS)[number]> & Pick<Products, 'price'>
  sellers: Omit<Sellers, (typeof RUN_SELLER_COLUMNS)[number]>
}

/**
 * Taken before a run that is handed the catalog itself (RunOptions.ownsCatalog) writes its columns:
 * the shared columns, a copy of the prices, none of the other columns the run writes (not even
 * at run time, so a metric cannot read a run's end state as the catalog's).
 */
export function catalogAsGenerated(c: Catalog): CatalogAsGenerated {
  const products: Record<string, unknown> = { ...c.products, price: c.products.price.slice() }
  for (const key of RUN_PRODUCT_COLUMNS) if (key !== 'price') delete products[key]
  const sellers: Record<string, unknown> = { ...c.sellers }
  for (const key of RUN_SELLER_COLUMNS) delete sellers[key]
  return { ...c, products, sellers } as unknown as CatalogAsGenerated
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
  /**
   * The name the catalog declares (an imported catalog's catalog.json, else its folder's name): result files' scenario
   * instead of the preset's.
   */
  name?: string
  /** What was imported, for the manifest; absent on a generated catalog. */
  imported?: ImportedCatalog
}

/** What an imported catalog was made of: the files, their rows, and which columns were given, blank or defaulted. */
export interface ImportedCatalog {
  folder: string
  files: { file: string; rows: number; columns: string[] }[]
  /** Money columns were multiplied by this to make dollars (catalog.json priceScale; 1 when not given). */
  priceScale: number
  /** Per file and column: how many rows left it blank or the column was absent, and what was used instead. */
  defaulted: { file: string; column: string; rows: number; used: string }[]
  /** One-line warnings (also printed once on stderr), e.g. a price scale far from dollars. */
  warnings: string[]
}

/**
 * The stars buyers assume for a review they cannot read: the prior of averageRating, so an imported
 * review count with a blank rating reads as an average of RATING_PRIOR, never as zero stars.
 */
export const RATING_PRIOR = 3.5

export function averageRating(reviews: number, ratingSum: number, prior = RATING_PRIOR, priorWeight = 3): number {
  return (ratingSum + prior * priorWeight) / (reviews + priorWeight)
}

/**
 * CSR index of items by a key in [0, keyCount): the items with key c are items[start[c] .. start[c+1]),
 * in id order. Products by category, offers by identical-product group.
 */
export function indexByKey(keyCount: number, keyOf: Int32Array): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(keyCount + 1)
  for (let i = 0; i < keyOf.length; i++) start[keyOf[i] + 1]++
  for (let c = 0; c < keyCount; c++) start[c + 1] += start[c]
  const fill = start.slice(0, keyCount)
  const items = new Int32Array(keyOf.length)
  for (let i = 0; i < keyOf.length; i++) items[fill[keyOf[i]]++] = i
  return { start, items }
}
