import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  ARCHETYPES,
  type Catalog,
  type Categories,
  DEPARTMENTS,
  emptyProducts,
  indexByKey,
  ORIGINS,
  RATING_PRIOR,
  type Sellers,
  SIZE_TIERS,
  TOPIC_DIMS,
} from '../core/catalog.ts'
import { numberCell, readCsv, textCell } from '../core/csv.ts'
import { InputError } from '../core/errors.ts'
import { makeRng, zipfWeights } from '../core/rng.ts'
import { generateBuyers, sizeTiers } from './generate.ts'
import {
  catalogOptions,
  defaultedColumns,
  PRODUCT_DEFAULTS,
  priceScaleWarning,
  SELLER_DEFAULTS,
  warnOnce,
} from './import-notes.ts'
import type { CatalogParams } from './params.ts'
import { median, setReferencePrices } from './reference.ts'
import { noisyUnitVector } from './topics.ts'

const share = z.number().min(0).max(1)

/** sellers.csv: one row per seller. Only seller_id is required; blank or absent columns take the default. */
export const SellerRowSchema = z.object({
  seller_id: z.string().min(1),
  archetype: textCell(z.enum(ARCHETYPES).default('trader')),
  origin: textCell(z.enum(ORIGINS).default('local')),
  /** Default: 2 for local, 10 for cross-border. */
  delivery_days: numberCell(z.number().positive().optional()),
  /** Default: by product count, as the generator does (top 5% large, next 20% medium). */
  size_tier: textCell(z.enum(SIZE_TIERS).optional()),
  join_round: numberCell(z.number().int().min(0).default(0)),
  cost_efficiency: numberCell(z.number().positive().default(1)),
  ad_budget: numberCell(z.number().min(0).default(0)),
  ad_skill: numberCell(share.default(0.5)),
  content_skill: numberCell(share.default(0.5)),
  stores: numberCell(z.number().int().min(1).default(1)),
})

/**
 * A money amount in the file's currency: positive and below 10^12, so that every sum the run makes of it stays a
 * finite number (a price of 1e308 would overflow the first GMV and fail every cell after the run).
 */
const amount = z.number().positive().max(1e12, 'expected an amount below 10^12')

/** products.csv: one row per offer. product_id, seller_id, category and price are required. */
export const ProductRowSchema = z.object({
  product_id: z.string().min(1),
  seller_id: z.string().min(1),
  category: z.string().min(1),
  price: numberCell(amount),
  /** Identical-product group: offers of the same item share it. Default: the product's own id. */
  group: textCell(z.string().optional()),
  /** Default: a department named in the category (e.g. "clothing-shirts"), else home. */
  department: textCell(z.enum(DEPARTMENTS).optional()),
  /** True quality in [0, 1]. Default: from the rating, (rating − 1) / 4, else 0.5. */
  quality: numberCell(share.optional()),
  /** Default: half the price (a documented assumption; listed as defaulted in catalog.imported). */
  unit_cost: numberCell(amount.optional()),
  /** Default: the same price (no parity issue). */
  price_elsewhere: numberCell(amount.optional()),
  /** Default: unknown (NaN): amazon-haul and the fee schedule treat it explicitly. */
  weight_lb: numberCell(z.number().positive().optional()),
  repeat_rate: numberCell(share.default(0.1)),
  reviews: numberCell(z.number().int().min(0).default(0)),
  /** Average stars 1–5 of the reviews. Blank with reviews > 0: unknown stars, read as RATING_PRIOR (never zero). */
  rating: numberCell(z.number().min(1).max(5).optional()),
  sales: numberCell(z.number().int().min(0).default(0)),
})

/**
 * A real catalog from DIR/sellers.csv and DIR/products.csv (and an optional DIR/catalog.json giving
 * its name and price scale; datasets/import-notes.ts). What CSV files do not carry (topic vectors,
 * buyers, category popularity) is generated from the seed: categories are ranked by product count
 * and given Zipf popularity with params.categoryZipf; items get topic vectors near their category's;
 * buyers are generated as for a synthetic catalog. Unknown weights stay NaN; a review count with a
 * blank rating keeps unknown stars (products.unratedReviews), read as RATING_PRIOR.
 */
export function importCatalog(dir: string, params: CatalogParams, seed: number): Catalog {
  const sellersFile = join(dir, 'sellers.csv')
  const productsFile = join(dir, 'products.csv')
  for (const f of [sellersFile, productsFile])
    if (!existsSync(f))
      throw new InputError(`--catalog ${dir}: no ${f} (a catalog folder holds sellers.csv and products.csv)`)
  const options = catalogOptions(dir)
  const sellerCsv = readCsv(sellersFile, ['seller_id'], SellerRowSchema)
  const productCsv = readCsv(productsFile, ['product_id', 'seller_id', 'category', 'price'], ProductRowSchema)
  const sellerRows = sellerCsv.rows
  const productRows = productCsv.rows
  if (sellerRows.length === 0 || productRows.length === 0)
    throw new InputError(`--catalog ${dir}: sellers.csv and products.csv need at least one row each`)
  const rng = makeRng(seed, 'catalog-import')
  const money = options.priceScale

  const sellerIndex = new Map<string, number>()
  const sellerLine = new Map<string, number>()
  for (const { line, row } of sellerRows) {
    const first = sellerLine.get(row.seller_id)
    if (first !== undefined)
      throw new InputError(
        `${sellersFile} line ${line}, column seller_id: seller "${row.seller_id}" appears twice (first on line ` +
          `${first})`,
      )
    sellerLine.set(row.seller_id, line)
    sellerIndex.set(row.seller_id, sellerIndex.size)
  }
  const productLine = new Map<string, number>()
  const productCount = new Float64Array(sellerRows.length)
  for (const { line, row } of productRows) {
    const first = productLine.get(row.product_id)
    if (first !== undefined)
      throw new InputError(
        `${productsFile} line ${line}, column product_id: product "${row.product_id}" appears twice (first on ` +
          `line ${first})`,
      )
    productLine.set(row.product_id, line)
    const s = sellerIndex.get(row.seller_id)
    if (s === undefined) {
      const rows = productRows.filter((r) => r.row.seller_id === row.seller_id).length
      throw new InputError(
        `${productsFile} line ${line}, column seller_id: seller "${row.seller_id}" is not in ${sellersFile} ` +
          `(first of ${rows} row${rows > 1 ? 's' : ''} naming it)`,
      )
    }
    productCount[s]++
  }

  // Categories, largest first, then by name: the rank decides popularity.
  const sizeByName = new Map<string, number>()
  for (const { row } of productRows) sizeByName.set(row.category, (sizeByName.get(row.category) ?? 0) + 1)
  const names = [...sizeByName.keys()].sort((a, b) => sizeByName.get(b)! - sizeByName.get(a)! || (a < b ? -1 : 1))
  const categoryIndex = new Map(names.map((n, i) => [n, i]))
  const nC = names.length
  const categories: Categories = {
    count: nC,
    name: names,
    department: new Uint8Array(nC),
    popularity: options.categoryShares
      ? givenShares(options.categoryShares, names, join(dir, 'catalog.json'))
      : zipfWeights(nC, params.categoryZipf),
    refPrice: new Float64Array(nC),
    baseBid: new Float64Array(nC),
    centroid: new Float32Array(nC * TOPIC_DIMS),
    start: new Int32Array(nC + 1),
    products: new Int32Array(0),
  }
  for (let c = 0; c < nC; c++) noisyUnitVector(rng, categories.centroid, c * TOPIC_DIMS, null, 0, 1)

  const nS = sellerRows.length
  const tiers = sizeTiers(productCount)
  const sellers: Sellers = {
    count: nS,
    id: sellerRows.map((r) => r.row.seller_id),
    archetype: Uint8Array.from(sellerRows, (r) => ARCHETYPES.indexOf(r.row.archetype)),
    origin: Uint8Array.from(sellerRows, (r) => ORIGINS.indexOf(r.row.origin)),
    deliveryDays: Float64Array.from(sellerRows, (r) => r.row.delivery_days ?? (r.row.origin === 'local' ? 2 : 10)),
    sizeTier: Uint8Array.from(sellerRows, (r, i) => (r.row.size_tier ? SIZE_TIERS.indexOf(r.row.size_tier) : tiers[i])),
    joinRound: Int32Array.from(sellerRows, (r) => r.row.join_round),
    costEfficiency: Float64Array.from(sellerRows, (r) => r.row.cost_efficiency),
    adBudget: Float64Array.from(sellerRows, (r) => r.row.ad_budget * money),
    budgetLeft: Float64Array.from(sellerRows, (r) => r.row.ad_budget * money),
    bidLevel: new Float64Array(nS).fill(1),
    adSkill: Float64Array.from(sellerRows, (r) => r.row.ad_skill),
    contentSkill: Float64Array.from(sellerRows, (r) => r.row.content_skill),
    stores: Int32Array.from(sellerRows, (r) => r.row.stores),
    active: Uint8Array.from(sellerRows, (r) => (r.row.join_round === 0 ? 1 : 0)),
  }

  const nP = productRows.length
  const products = emptyProducts(
    nP,
    productRows.map((r) => r.row.product_id),
  )
  const groupIndex = new Map<string, number>()
  const groupTopic: Float32Array[] = []
  const pricesByCategory: number[][] = Array.from({ length: nC }, () => [])
  productRows.forEach(({ row }, p) => {
    const s = sellerIndex.get(row.seller_id)!
    const c = categoryIndex.get(row.category)!
    const groupKey = `${row.category}\u0000${row.group ?? row.product_id}`
    let g = groupIndex.get(groupKey)
    if (g === undefined) {
      g = groupIndex.size
      groupIndex.set(groupKey, g)
      const topic = new Float32Array(TOPIC_DIMS)
      noisyUnitVector(rng, topic, 0, categories.centroid, c * TOPIC_DIMS, 0.6)
      groupTopic.push(topic)
    }
    const price = row.price * money
    products.topic.set(groupTopic[g], p * TOPIC_DIMS)
    products.seller[p] = s
    products.category[p] = c
    products.group[p] = g
    products.price[p] = price
    products.quality[p] = row.quality ?? (row.rating !== undefined ? (row.rating - 1) / 4 : 0.5)
    products.unitCost[p] = row.unit_cost !== undefined ? row.unit_cost * money : price / 2
    products.priceElsewhere[p] = row.price_elsewhere !== undefined ? row.price_elsewhere * money : price
    products.weightLb[p] = row.weight_lb ?? NaN
    products.repeatRate[p] = row.repeat_rate
    // A store that joins after round 0 starts without history here, as the generator's entrants do: reviews and
    // sales belong to the platform, and an export's counts for it accrued after it joined (its rating still
    // informs the listing's quality above).
    const history = sellers.joinRound[s] === 0
    const reviews = history ? row.reviews : 0
    products.reviews[p] = reviews
    // Reviews with unknown stars count at the prior: the average reads RATING_PRIOR until real reviews arrive.
    products.unratedReviews[p] = row.rating === undefined ? reviews : 0
    products.ratingSum[p] = (row.rating ?? RATING_PRIOR) * reviews
    products.sales[p] = history ? row.sales : 0
    // Starting velocity: the history spread over the generator's 20 rounds of history.
    products.salesVelocity[p] = products.sales[p] / 20
    products.listed[p] = sellers.active[s]
    pricesByCategory[c].push(price)
    const named = row.department ?? DEPARTMENTS.find((d) => row.category.toLowerCase().includes(d)) ?? 'home'
    categories.department[c] = DEPARTMENTS.indexOf(named)
  })
  for (let c = 0; c < nC; c++) {
    categories.refPrice[c] = median(pricesByCategory[c])
    categories.baseBid[c] = Math.max(0.02, categories.refPrice[c] * params.baseBidShare)
  }
  for (let p = 0; p < nP; p++)
    products.bid[p] = sellers.adBudget[products.seller[p]] > 0 ? categories.baseBid[products.category[p]] : 0
  const byCategory = indexByKey(nC, products.category)
  categories.start = byCategory.start
  categories.products = byCategory.items
  const buyers = generateBuyers(makeRng(seed, 'buyers-import'), params.buyers, categories)

  const warning = priceScaleWarning(productsFile, products.price, params.medianPrice, money)
  if (warning) warnOnce(warning)
  const catalog: Catalog = {
    categories,
    sellers,
    products,
    buyers,
    groupCount: groupIndex.size,
    name: options.name,
    imported: {
      folder: dir,
      files: [
        { file: sellersFile, rows: nS, columns: sellerCsv.columns },
        { file: productsFile, rows: nP, columns: productCsv.columns },
      ],
      priceScale: money,
      defaulted: [
        ...defaultedColumns(sellersFile, sellerCsv.rows, SELLER_DEFAULTS),
        ...defaultedColumns(productsFile, productCsv.rows, PRODUCT_DEFAULTS),
      ],
      warnings: warning ? [warning] : [],
    },
  }
  setReferencePrices(catalog)
  return catalog
}

/** catalog.json's categoryShares as popularity in the categories' order: every named category must exist. */
function givenShares(shares: Record<string, number>, names: readonly string[], file: string): Float64Array {
  const unknown = Object.keys(shares).filter((c) => !names.includes(c))
  if (unknown.length) throw new InputError(`${file}, categoryShares: "${unknown[0]}" is not a category of products.csv`)
  const popularity = Float64Array.from(names, (c) => shares[c] ?? 0)
  const total = popularity.reduce((a, b) => a + b, 0)
  if (!(total > 0)) throw new InputError(`${file}, categoryShares: expected some share above 0`)
  return popularity.map((x) => x / total)
}
