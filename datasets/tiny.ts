import { type Catalog, emptyProducts, indexByKey, type Products, TOPIC_DIMS } from '../core/catalog.ts'

export interface TinyProduct {
  seller: number
  category?: number
  group?: number
  price?: number
  quality?: number
  priceElsewhere?: number
  weightLb?: number
  bid?: number
  sales?: number
  salesVelocity?: number
  reviews?: number
  rating?: number
  clicks?: number
  impressions?: number
  repeatRate?: number
}
export interface TinySeller {
  archetype?: number
  origin?: number
  adBudget?: number
  contentSkill?: number
  joinRound?: number
}

/**
 * Hand-made markets for unit tests and for the facts' probes of plugin rules (bench/facts/probes.ts):
 * every column a plugin may read, with plain defaults.
 */
export function tinyMarket(sellers: TinySeller[], products: TinyProduct[], categories = 1): Catalog {
  const nS = sellers.length
  const nP = products.length
  const f64 = (n: number, get: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => get(i))
  const category = Int32Array.from(products, (p) => p.category ?? 0)
  const byCategory = indexByKey(categories, category)
  const groups = Int32Array.from(products, (p, i) => p.group ?? i)
  const topic = new Float32Array(nP * TOPIC_DIMS)
  for (let i = 0; i < nP; i++) topic[i * TOPIC_DIMS] = 1
  const centroid = new Float32Array(categories * TOPIC_DIMS)
  for (let c = 0; c < categories; c++) centroid[c * TOPIC_DIMS] = 1
  return {
    categories: {
      count: categories,
      name: Array.from({ length: categories }, (_, c) => `home-${c}`),
      department: new Uint8Array(categories).fill(2),
      popularity: f64(categories, () => 1 / categories),
      refPrice: f64(categories, () => 20),
      baseBid: f64(categories, () => 0.5),
      centroid,
      start: byCategory.start,
      products: byCategory.items,
    },
    sellers: {
      count: nS,
      id: sellers.map((_, i) => `s${i}`),
      archetype: Uint8Array.from(sellers, (s) => s.archetype ?? 1),
      origin: Uint8Array.from(sellers, (s) => s.origin ?? 1),
      deliveryDays: f64(nS, (i) => (sellers[i].origin === 0 ? 10 : 2)),
      sizeTier: new Uint8Array(nS),
      joinRound: Int32Array.from(sellers, (s) => s.joinRound ?? 0),
      costEfficiency: f64(nS, () => 1),
      adBudget: f64(nS, (i) => sellers[i].adBudget ?? 0),
      budgetLeft: f64(nS, (i) => sellers[i].adBudget ?? 0),
      bidLevel: f64(nS, () => 1),
      adSkill: f64(nS, () => 0.5),
      contentSkill: f64(nS, (i) => sellers[i].contentSkill ?? 0.5),
      stores: new Int32Array(nS).fill(1),
      active: Uint8Array.from(sellers, (s) => ((s.joinRound ?? 0) === 0 ? 1 : 0)),
    },
    products: tinyProducts(products, sellers, category, groups, topic),
    buyers: {
      count: 1,
      interest: Float32Array.from({ length: TOPIC_DIMS }, (_, d) => (d === 0 ? 1 : 0)),
      favourites: new Int32Array(3),
      priceSensitivity: new Float64Array([1]),
      deliverySensitivity: new Float64Array([1]),
    },
    groupCount: Math.max(...groups) + 1,
  }
}

function tinyProducts(
  products: TinyProduct[],
  sellers: TinySeller[],
  category: Int32Array,
  groups: Int32Array,
  topic: Float32Array,
): Products {
  const p = emptyProducts(
    products.length,
    products.map((_, i) => `p${i}`),
  )
  products.forEach((t, i) => {
    p.seller[i] = t.seller
    p.category[i] = category[i]
    p.group[i] = groups[i]
    p.quality[i] = t.quality ?? 0.5
    p.price[i] = t.price ?? 10
    p.unitCost[i] = p.price[i] / 2
    p.priceElsewhere[i] = t.priceElsewhere ?? p.price[i]
    p.refPrice[i] = 20
    p.weightLb[i] = t.weightLb ?? 1
    p.repeatRate[i] = t.repeatRate ?? 0.1
    p.reviews[i] = t.reviews ?? 0
    p.ratingSum[i] = (t.rating ?? 0) * p.reviews[i]
    p.sales[i] = t.sales ?? 0
    p.salesVelocity[i] = t.salesVelocity ?? 0
    p.impressions[i] = t.impressions ?? 0
    p.clicks[i] = t.clicks ?? 0
    p.bid[i] = t.bid ?? 0
    p.listed[i] = (sellers[t.seller].joinRound ?? 0) === 0 ? 1 : 0
  })
  p.topic.set(topic)
  return p
}
