import {
  ARCHETYPES,
  BUYER_FAVOURITES,
  type Buyers,
  type Catalog,
  type Categories,
  DEPARTMENTS,
  emptyProducts,
  indexByKey,
  PrefixedIds,
  type Products,
  type Sellers,
  TOPIC_DIMS,
} from '../core/catalog.ts'
import {
  cumulative,
  drawIndex,
  lognormal,
  makeRng,
  normal,
  pareto,
  type Rng,
  randomInt,
  uniform,
  zipfWeights,
} from '../core/rng.ts'
import type { CatalogParams } from './params.ts'
import { setReferencePrices } from './reference.ts'
import { noisyUnitVector } from './topics.ts'

/** Unit-cost multipliers by archetype: factories make the item, traders buy it in (000, 004). */
const COST_EFFICIENCY: Record<(typeof ARCHETYPES)[number], [number, number]> = {
  factory: [0.7, 0.85],
  trader: [1.0, 1.2],
  brand: [0.9, 1.05],
}
/**
 * Starting price over unit cost by archetype (assumptions): brands command a premium; factories new
 * to retail start at market prices like traders' and have the room to cut deeper (seed 000).
 */
const MARKUP: Record<(typeof ARCHETYPES)[number], [number, number]> = {
  factory: [2.2, 2.9],
  trader: [1.7, 2.3],
  brand: [2.1, 2.9],
}
/** Size tiers by rank of seller size: the top 5% are "giant trees", the bottom 75% "grass" (000). */
const LARGE_SHARE = 0.05
const MEDIUM_SHARE = 0.2
/** Rounds of history the incumbents' starting sales stand for. */
const HISTORY_ROUNDS = 20
const REVIEW_RATE = 0.15

/** The seeded synthetic marketplace of the design: sellers, products, buyers from one seed. */
export function generateCatalog(params: CatalogParams, seed: number, rounds: number): Catalog {
  const rng = makeRng(seed, 'catalog')
  const categories = generateCategories(rng, params)
  const { sellers, size } = generateSellers(rng, params, rounds)
  const { products, groupCount } = generateProducts(rng, params, categories, sellers, size)
  const buyers = generateBuyers(rng, params.buyers, categories)
  const catalog = { categories, sellers, products, buyers, groupCount }
  setReferencePrices(catalog)
  return catalog
}

function generateCategories(rng: Rng, params: CatalogParams): Categories {
  const n = params.categories
  const centroid = new Float32Array(n * TOPIC_DIMS)
  const refPrice = new Float64Array(n)
  const baseBid = new Float64Array(n)
  const department = new Uint8Array(n)
  for (let c = 0; c < n; c++) {
    noisyUnitVector(rng, centroid, c * TOPIC_DIMS, null, 0, 1)
    refPrice[c] = lognormal(rng, params.medianPrice, 0.6)
    baseBid[c] = Math.max(0.02, refPrice[c] * params.baseBidShare * lognormal(rng, 1, 0.3))
    department[c] = c % DEPARTMENTS.length
  }
  const name = Array.from({ length: n }, (_, c) => `${DEPARTMENTS[department[c]]}-${String(c).padStart(3, '0')}`)
  return {
    count: n,
    name,
    department,
    popularity: zipfWeights(n, params.categoryZipf),
    refPrice,
    baseBid,
    centroid,
    start: new Int32Array(n + 1),
    products: new Int32Array(0),
  }
}

function generateSellers(rng: Rng, params: CatalogParams, rounds: number): { sellers: Sellers; size: Float64Array } {
  const n = params.sellers
  const mix = cumulative(ARCHETYPES.map((k) => params.archetypeMix[k]))
  const s: Sellers = {
    count: n,
    id: Array.from({ length: n }, (_, i) => `s${i}`),
    archetype: new Uint8Array(n),
    origin: new Uint8Array(n),
    deliveryDays: new Float64Array(n),
    sizeTier: new Uint8Array(n),
    joinRound: new Int32Array(n),
    costEfficiency: new Float64Array(n),
    adBudget: new Float64Array(n),
    budgetLeft: new Float64Array(n),
    bidLevel: new Float64Array(n),
    adSkill: new Float64Array(n),
    contentSkill: new Float64Array(n),
    stores: new Int32Array(n),
    active: new Uint8Array(n),
  }
  const size = new Float64Array(n)
  const lastEntryRound = Math.max(1, Math.floor((rounds - 1) * params.entryHorizon))
  for (let i = 0; i < n; i++) {
    const a = drawIndex(rng, mix)
    const key = ARCHETYPES[a]
    s.archetype[i] = a
    const crossBorder = rng() < params.crossBorderShare[key]
    s.origin[i] = crossBorder ? 0 : 1
    const [lo, hi] = crossBorder ? params.crossBorderDeliveryDays : params.localDeliveryDays
    s.deliveryDays[i] = Math.round(uniform(rng, lo, hi))
    size[i] = pareto(rng, params.sellerSizeTail)
    s.joinRound[i] = rounds > 1 && rng() < params.entrantShare ? 1 + randomInt(rng, lastEntryRound) : 0
    s.costEfficiency[i] = uniform(rng, ...COST_EFFICIENCY[key])
    s.adSkill[i] = Math.min(1, rng() + (key === 'brand' ? 0.2 : 0))
    s.contentSkill[i] = rng()
    s.bidLevel[i] = lognormal(rng, 1, 0.3)
    s.active[i] = s.joinRound[i] === 0 ? 1 : 0
    s.adBudget[i] = rng() < params.advertiserShare[key] ? 1 : 0 // scaled below, once stores are known
  }
  s.sizeTier.set(sizeTiers(size))
  for (let seller = 0; seller < n; seller++) {
    const tier = s.sizeTier[seller]
    s.stores[seller] = tier === 2 ? 2 + randomInt(rng, 4) : tier === 1 ? 1 + randomInt(rng, 2) : 1
    if (s.adBudget[seller] > 0)
      s.adBudget[seller] =
        lognormal(rng, params.medianAdBudget * s.stores[seller], 0.5) *
        (s.joinRound[seller] > 0 ? params.entrantBudgetFactor : 1)
  }
  s.budgetLeft.set(s.adBudget)
  return { sellers: s, size }
}

/**
 * size: each seller's raw size weight; products are allotted in proportion to it. Products are
 * numbered category by category (each category's products contiguous, sellers in order within it),
 * so that retrieval reads a category's columns sequentially. Two passes: the first draws each
 * product's category, the second everything else, written straight into the columns.
 */
function generateProducts(
  rng: Rng,
  params: CatalogParams,
  categories: Categories,
  sellers: Sellers,
  size: Float64Array,
): { products: Products; groupCount: number } {
  const n = params.products
  const counts = allocateProportionally(size, n)
  const supply = cumulative(Array.from(categories.popularity, (w) => w ** params.supplyFollowsDemand))
  // Pass 1, in seller order: each product's category, then its place in category order.
  const categoryOf = new Int32Array(n)
  const markups = new Float64Array(sellers.count)
  for (let s = 0, product = 0; s < sellers.count; s++) {
    markups[s] = uniform(rng, ...MARKUP[ARCHETYPES[sellers.archetype[s]]])
    const focal = Array.from({ length: 1 + sellers.sizeTier[s] + randomInt(rng, 2) }, () => drawIndex(rng, supply))
    for (let j = 0; j < counts[s]; j++) categoryOf[product++] = focal[randomInt(rng, focal.length)]
  }
  const { start } = indexByKey(categories.count, categoryOf)
  const place = start.slice(0, categories.count)
  categories.start = start
  categories.products = Int32Array.from({ length: n }, (_, i) => i)

  // Pass 2, in seller order again. An identical-product group's attributes are its first offer's.
  const p = emptyProducts(n, new PrefixedIds('p', n))
  const groupsOfCategory: number[][] = Array.from({ length: categories.count }, () => [])
  const groupFirst: number[] = []
  const groupCost: number[] = []
  for (let s = 0, drawn = 0; s < sellers.count; s++) {
    const incumbent = sellers.joinRound[s] === 0
    const archetype = ARCHETYPES[sellers.archetype[s]]
    const identicalOfferRate = params.identicalOfferRate[archetype]
    for (let j = 0; j < counts[s]; j++, drawn++) {
      const c = categoryOf[drawn]
      const i = place[c]++
      const existing = groupsOfCategory[c]
      let g: number
      if (existing.length > 0 && rng() < identicalOfferRate) {
        g = existing[randomInt(rng, existing.length)]
        const first = groupFirst[g]
        p.quality[i] = p.quality[first]
        p.weightLb[i] = p.weightLb[first]
        p.repeatRate[i] = p.repeatRate[first]
        p.topic.copyWithin(i * TOPIC_DIMS, first * TOPIC_DIMS, (first + 1) * TOPIC_DIMS)
      } else {
        g = groupFirst.length
        // A brand's own line is not offered by other sellers (brand protection; assumption), so
        // only groups started by factories and traders are open to further offers.
        if (archetype !== 'brand') existing.push(g)
        groupFirst.push(i)
        groupCost.push(categories.refPrice[c] * uniform(rng, 0.25, 0.45))
        p.quality[i] = Math.min(1, Math.max(0.05, 0.6 + 0.18 * normal(rng)))
        p.weightLb[i] = lognormal(rng, 0.8, 0.8)
        p.repeatRate[i] = 0.3 * rng()
        noisyUnitVector(rng, p.topic, i * TOPIC_DIMS, categories.centroid, c * TOPIC_DIMS, 0.6)
      }
      p.seller[i] = s
      p.category[i] = c
      p.group[i] = g
      p.unitCost[i] = groupCost[g] * sellers.costEfficiency[s]
      p.price[i] = roundCents(p.unitCost[i] * markups[s] * lognormal(rng, 1, 0.05))
      p.priceElsewhere[i] = roundCents(
        p.price[i] * (1 + params.priceElsewhereSpread * normal(rng) + params.priceElsewhereOffset),
      )
      if (incumbent) {
        const velocity = lognormal(rng, 0.3 * (1 + sellers.sizeTier[s]) * (0.5 + p.quality[i]), 1)
        p.salesVelocity[i] = velocity
        p.sales[i] = Math.round(velocity * HISTORY_ROUNDS * uniform(rng, 0.2, 1))
        p.reviews[i] = Math.round(p.sales[i] * REVIEW_RATE)
        p.ratingSum[i] = p.reviews[i] * Math.min(5, Math.max(1, 1 + 4 * p.quality[i] + 0.3 * normal(rng)))
        p.listed[i] = 1
      }
      p.bid[i] = sellers.adBudget[s] > 0 ? sellers.bidLevel[s] * categories.baseBid[c] : 0
    }
  }
  return { products: p, groupCount: groupFirst.length }
}

/** Buyers with favourite categories drawn by popularity and interests near those categories. */
export function generateBuyers(rng: Rng, n: number, categories: Categories): Buyers {
  const popularity = cumulative(categories.popularity)
  const b: Buyers = {
    count: n,
    interest: new Float32Array(n * TOPIC_DIMS),
    favourites: new Int32Array(n * BUYER_FAVOURITES),
    priceSensitivity: new Float64Array(n),
    deliverySensitivity: new Float64Array(n),
  }
  const mean = new Float32Array(TOPIC_DIMS)
  for (let i = 0; i < n; i++) {
    mean.fill(0)
    for (let f = 0; f < BUYER_FAVOURITES; f++) {
      const c = drawIndex(rng, popularity)
      b.favourites[i * BUYER_FAVOURITES + f] = c
      for (let d = 0; d < TOPIC_DIMS; d++) mean[d] += categories.centroid[c * TOPIC_DIMS + d]
    }
    noisyUnitVector(rng, b.interest, i * TOPIC_DIMS, mean, 0, 0.3)
    b.priceSensitivity[i] = lognormal(rng, 1, 0.35)
    b.deliverySensitivity[i] = lognormal(rng, 1, 0.5)
  }
  return b
}

/** Size tier by rank of size: the largest 5% are large (2), the next 20% medium (1), the rest small (0). */
export function sizeTiers(size: ArrayLike<number>): Uint8Array {
  const n = size.length
  const tiers = new Uint8Array(n)
  const bySize = Array.from({ length: n }, (_, i) => i).sort((a, b) => size[b] - size[a] || a - b)
  bySize.forEach((seller, rank) => {
    tiers[seller] = rank < Math.ceil(n * LARGE_SHARE) ? 2 : rank < Math.ceil(n * (LARGE_SHARE + MEDIUM_SHARE)) ? 1 : 0
  })
  return tiers
}

/** Splits total into integer parts proportional to weights (largest remainder), each at least 1 when total allows. */
export function allocateProportionally(weights: Float64Array, total: number): Int32Array {
  const n = weights.length
  const out = new Int32Array(n)
  const floor = total >= n ? 1 : 0
  const rest = total - floor * n
  let sum = 0
  for (let i = 0; i < n; i++) sum += weights[i]
  const remainder = new Float64Array(n)
  let given = 0
  for (let i = 0; i < n; i++) {
    const exact = (weights[i] / sum) * rest
    out[i] = floor + Math.floor(exact)
    remainder[i] = exact - Math.floor(exact)
    given += Math.floor(exact)
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => remainder[b] - remainder[a] || a - b)
  for (let j = 0; j < rest - given; j++) out[order[j]]++
  return out
}

export function roundCents(x: number): number {
  return Math.max(0.01, Math.round(x * 100) / 100)
}
