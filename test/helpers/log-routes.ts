import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { examinationWeights } from '../../algorithms/kit/attention.ts'
import { topK } from '../../algorithms/kit/topk.ts'
import { ImpressionLogWriter, impressionLogName, type SessionOutcome } from '../../bench/log/write.ts'
import { TOP_PER_CATEGORY } from '../../bench/metrics/collectors/persistence.ts'
import { PERSISTENCE_DELTA, SELLER_FILE_COLUMNS } from '../../bench/metrics/definitions.ts'
import {
  gini,
  hhi,
  persistenceExcludedCategories,
  rankPersistence,
  ratio,
  shareOf,
  sum,
  topShare,
} from '../../bench/metrics/functions.ts'
import { loadScenario } from '../../bench/runner/plan/scenario.ts'
import { ARCHETYPES, type Catalog, ORIGINS, SIZE_TIERS } from '../../core/catalog.ts'
import { type Row, toCsv } from '../../core/csv.ts'
import { makeRng, randomInt } from '../../core/rng.ts'
import { generateCatalog } from '../../datasets/generate.ts'

/**
 * One definition, two routes: a seeded driver plays sessions over a generated catalog the way the
 * engine reports them (SessionOutcome). Route 1 tallies them here as the engine does and applies
 * bench/metrics/functions.ts as bench/metrics/summarize.ts does; route 2 writes them with the log
 * writer and measures the file (measureLog in test/log-routes.test.ts, `bench metrics` in
 * test/log-routes.e2e.test.ts). They must agree to 1e-9.
 */
export const SEED = 7
export const ROUNDS = 12
/**
 * Busy rounds, and every third round a quiet one: with one or two sessions per category, exposures tie at the top-10
 * boundary.
 */
const sessionsIn = (round: number): number => (round % 3 === 2 ? 40 : 600)
export const SESSIONS = Array.from({ length: ROUNDS }, (_, r) => sessionsIn(r)).reduce((a, b) => a + b)
export const K = 20
/** A managed platform's markup: the log records retail = declared × MARKUP, sellers.csv revenue is declared. */
export const MARKUP = 1.25

export function* playSessions(catalog: Catalog): Generator<SessionOutcome> {
  const rng = makeRng(SEED, 'log-route-driver')
  const { categories } = catalog
  const position = Int32Array.from({ length: K }, (_, i) => i + 1)
  const products = new Int32Array(K)
  const cpc = new Float64Array(K)
  const clicked = new Uint8Array(K)
  let session = 0
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < sessionsIn(round); i++) {
      const feed = rng() < 0.2
      const category = feed ? -1 : randomInt(rng, categories.count)
      const from = feed ? randomInt(rng, categories.count) : category
      const pool = categories.products.subarray(categories.start[from], categories.start[from + 1])
      // Some sessions show nothing (no candidates): they still count as sessions.
      const count = rng() < 0.05 ? 0 : Math.min(K, pool.length)
      const chosen = new Set<number>()
      for (let slot = 0; slot < count; ) {
        // Skewed towards the head of the category, so top lists persist and exposures tie.
        const p = pool[Math.floor(pool.length * rng() ** 2)]
        if (chosen.has(p)) continue
        chosen.add(p)
        products[slot] = p
        cpc[slot] = slot < 3 && rng() < 0.6 ? Math.round(10 + 90 * rng()) / 100 : 0
        clicked[slot] = rng() < 0.35 / Math.sqrt(slot + 1) ? 1 : 0
        slot++
      }
      const clicks = [...Array(count).keys()].filter((s) => clicked[s])
      const purchasedSlot = clicks.length && rng() < 0.5 ? clicks[randomInt(rng, clicks.length)] : -1
      const retailPrice = purchasedSlot >= 0 ? catalog.products.price[products[purchasedSlot]] * MARKUP : 0
      const sponsored = Uint8Array.from(cpc, (c) => (c > 0 ? 1 : 0))
      yield {
        round,
        session: session++,
        category,
        count,
        products,
        position,
        sponsored,
        cpc,
        clicked,
        purchasedSlot,
        retailPrice,
      }
    }
  }
}

/** Route 1: the engine's tallies (per round, then into the totals) and summarize.ts's formulas. */
export function simulatedRoute(catalog: Catalog, activeAtEnd: Uint8Array) {
  const { sellers, products, categories } = catalog
  const nS = sellers.count
  const exam = examinationWeights(K)
  const t = {
    exposure: new Float64Array(nS),
    revenue: new Float64Array(nS),
    adSpend: new Float64Array(nS),
    impressions: new Float64Array(nS),
    clicks: new Float64Array(nS),
    orders: new Float64Array(nS),
  }
  const totals = {
    sessions: 0,
    orders: 0,
    gmv: 0,
    adRevenue: 0,
    impressions: 0,
    sponsoredImpressions: 0,
    sponsoredClicks: 0,
  }
  const rounds: {
    sellerExposure: Float64Array
    gmv: number
    orders: number
    adRevenue: number
    sponsoredClicks: number
    impressions: number
    sponsoredImpressions: number
    revenueByArchetype: Float64Array
    topProducts: Int32Array
  }[] = []
  let round: (typeof rounds)[number] | null = null
  /** Category-rounds whose 10th and 11th products tie on exposure: catalog order decides who is in the top 10. */
  let boundaryTies = 0
  let productExposure = new Float64Array(products.count)
  let adSpend = new Float64Array(nS)
  const endRound = () => {
    for (let s = 0; s < nS; s++) {
      t.exposure[s] += round!.sellerExposure[s]
      t.adSpend[s] += adSpend[s]
    }
    // The engine's topProductsByCategory: topK over each category's products in catalog order.
    const scores = new Float64Array(products.count)
    const order = new Int32Array(TOP_PER_CATEGORY)
    round!.topProducts.fill(-1)
    for (let c = 0; c < categories.count; c++) {
      const start = categories.start[c]
      const n = categories.start[c + 1] - start
      for (let j = 0; j < n; j++) scores[j] = productExposure[categories.products[start + j]] || -Infinity
      const got = topK(scores, n, TOP_PER_CATEGORY, order)
      const ranked = Array.from(scores.subarray(0, n))
        .filter((x) => x > 0)
        .sort((a, b) => b - a)
      if (ranked.length > TOP_PER_CATEGORY && ranked[TOP_PER_CATEGORY - 1] === ranked[TOP_PER_CATEGORY]) boundaryTies++
      for (let i = 0; i < got; i++) round!.topProducts[c * TOP_PER_CATEGORY + i] = categories.products[start + order[i]]
    }
    for (const key of ['orders', 'gmv', 'adRevenue', 'sponsoredClicks', 'impressions', 'sponsoredImpressions'] as const)
      totals[key] += round![key]
    rounds.push(round!)
  }
  const shown = new Set<number>()
  for (const o of playSessions(catalog)) {
    if (round === null || o.round !== rounds.length) {
      if (round) endRound()
      round = {
        sellerExposure: new Float64Array(nS),
        gmv: 0,
        orders: 0,
        adRevenue: 0,
        sponsoredClicks: 0,
        impressions: 0,
        sponsoredImpressions: 0,
        revenueByArchetype: new Float64Array(3),
        topProducts: new Int32Array(categories.count * TOP_PER_CATEGORY),
      }
      productExposure = new Float64Array(products.count)
      adSpend = new Float64Array(nS)
    }
    totals.sessions++
    for (let i = 0; i < o.count; i++) {
      const p = o.products[i]
      shown.add(p)
      const s = products.seller[p]
      productExposure[p] += exam[i]
      round.sellerExposure[s] += exam[i]
      t.impressions[s]++
      round.impressions++
      if (o.cpc[i] > 0) round.sponsoredImpressions++
      if (o.clicked[i]) {
        t.clicks[s]++
        if (o.cpc[i] > 0) {
          round.sponsoredClicks++
          round.adRevenue += o.cpc[i]
          adSpend[s] += o.cpc[i]
        }
      }
      if (i === o.purchasedSlot) {
        round.orders++
        round.gmv += o.retailPrice
        t.orders[s]++
        t.revenue[s] += products.price[p] // declared, as the engine's seller revenue
        round.revenueByArchetype[sellers.archetype[s]] += products.price[p]
      }
    }
  }
  endRound()

  const shownPerCategory = new Int32Array(categories.count)
  for (const p of shown) shownPerCategory[products.category[p]]++
  const incumbents = (archetype: number | null) => {
    let start = 0
    let end = 0
    for (let s = 0; s < nS; s++) {
      if (sellers.joinRound[s] !== 0 || (archetype !== null && sellers.archetype[s] !== archetype)) continue
      start++
      end += activeAtEnd[s]
    }
    return ratio(end, start)
  }
  const factoryShare = (r: (typeof rounds)[number]) => ratio(r.revenueByArchetype[0], sum(r.revenueByArchetype))
  const summary: Record<string, number> = {
    sellers_active: sum(activeAtEnd),
    gini_exposure: gini(t.exposure),
    gini_revenue: gini(t.revenue),
    top10_exposure_share: topShare(t.exposure, 0.1),
    hhi_revenue: hhi(t.revenue),
    new_seller_exposure_share: shareOf(t.exposure, (s) => sellers.joinRound[s] > 0),
    small_seller_revenue_share: shareOf(t.revenue, (s) => sellers.sizeTier[s] === 0),
    zero_ad_seller_exposure_share: shareOf(t.exposure, (s) => t.adSpend[s] === 0),
    // A log lists every product it shows, in every round: categories that show more than 10 count.
    rank_persistence: rankPersistence(
      rounds.map((r) => r.topProducts),
      TOP_PER_CATEGORY,
      PERSISTENCE_DELTA,
      rounds.map(() => shownPerCategory),
    ),
    rank_persistence_excluded_categories: persistenceExcludedCategories(
      rounds.map(() => shownPerCategory),
      TOP_PER_CATEGORY,
      PERSISTENCE_DELTA,
      shownPerCategory,
    ),
    seller_survival_rate: incumbents(null),
    conversion_rate: ratio(totals.orders, totals.sessions),
    avg_price_paid: ratio(totals.gmv, totals.orders),
    gmv: totals.gmv,
    ad_revenue: totals.adRevenue,
    sponsored_impression_share: ratio(totals.sponsoredImpressions, totals.impressions),
    avg_cpc: ratio(totals.adRevenue, totals.sponsoredClicks),
    factory_survival_rate: incumbents(0),
    trader_survival_rate: incumbents(1),
    brand_survival_rate: incumbents(2),
    factory_revenue_share_change: factoryShare(rounds[rounds.length - 1]) - factoryShare(rounds[0]),
  }
  const roundRows = rounds.map((r) => ({
    gini_exposure: gini(r.sellerExposure),
    new_seller_exposure_share: shareOf(r.sellerExposure, (s) => sellers.joinRound[s] > 0),
    sponsored_impression_share: ratio(r.sponsoredImpressions, r.impressions),
    avg_cpc: ratio(r.adRevenue, r.sponsoredClicks),
    gmv: r.gmv,
    avg_price_paid: ratio(r.gmv, r.orders),
    small_seller_exposure_share: shareOf(r.sellerExposure, (s) => sellers.sizeTier[s] === 0),
  }))
  return { summary, roundRows, sellers: t, boundaryTies }
}

/**
 * What the log cannot define however complete --sellers is; ndcg_at_10 needs relevance, which the simulator's log does
 * not carry.
 */
export const NOT_FROM_THIS_LOG = [
  'exposure_merit_tvd',
  'median_seller_margin',
  'buyer_surplus',
  'ndcg_at_10',
  'avg_delivery_days',
  'commission_revenue',
  'take_rate',
  'declared_price_change',
  'cheapest_offer_exposure_share',
  'flagged_listing_exposure_share',
  'outside_haul_box_impression_share',
  'declared_price_composition_effect',
  'repriced_offers',
  'repriced_offer_share',
  'mean_repricing_ratio',
  'max_repricing_ratio',
]
export const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))

/** The small scenario's catalog as the driver plays it. */
export const routeCatalog = (): Catalog => generateCatalog(loadScenario('small').catalog, SEED, ROUNDS)

/**
 * Both routes' inputs in `work`: the driver's impression log, a run's sellers.csv holding two runs (--name picks the
 * right one), and what route 1 tallied.
 */
export function playRoutes(work: string) {
  const catalog = routeCatalog()
  const activeRng = makeRng(SEED, 'log-route-active')
  const activeAtEnd = Uint8Array.from({ length: catalog.sellers.count }, () => (activeRng() < 0.7 ? 1 : 0))
  const log = join(work, impressionLogName('driver', '', SEED))
  const sellersFile = join(work, 'sellers.csv')
  const writer = new ImpressionLogWriter(log, catalog)
  for (const o of playSessions(catalog)) writer.write(o)
  writer.close()
  const expected = simulatedRoute(catalog, activeAtEnd)
  const { sellers } = catalog
  const rows: Row[] = ['driver', 'other'].flatMap((algorithm) =>
    sellers.id.map((seller_id, s) => ({
      algorithm,
      variant: '',
      scenario: 'small',
      seed: SEED,
      seller_id,
      archetype: ARCHETYPES[sellers.archetype[s]],
      size_tier: SIZE_TIERS[sellers.sizeTier[s]],
      origin: ORIGINS[sellers.origin[s]],
      join_round: sellers.joinRound[s],
      exposure: 0,
      merit: 0,
      impressions: 0,
      clicks: 0,
      orders: 0,
      revenue: 0,
      ad_spend: 0,
      fees: 0,
      profit: 0,
      active_at_end: algorithm === 'driver' ? activeAtEnd[s] : 1 - activeAtEnd[s],
    })),
  )
  writeFileSync(sellersFile, toCsv(SELLER_FILE_COLUMNS, rows))
  return { catalog, log, sellersFile, expected }
}
