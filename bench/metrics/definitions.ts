import type { CatalogAsGenerated } from '../../core/catalog.ts'
import type { CollectorDef, RunOutcome } from '../market/types.ts'
import { listingOutcomes } from './collectors/listing-outcomes.ts'
import { marketTrends } from './collectors/market-trends.ts'
import { orderOutcomes } from './collectors/orders.ts'
import { listedPerCategory, TOP_PER_CATEGORY, topProducts } from './collectors/persistence.ts'
import { rankingQuality } from './collectors/ranking-quality.ts'
import { repricingOf, startPrices } from './collectors/repricing.ts'
import { type RoundRecord, roundHistory } from './collectors/rounds.ts'
import { sellerTotals } from './collectors/sellers.ts'
import {
  gini,
  hhi,
  median,
  persistenceExcludedCategories,
  rankPersistence,
  rate,
  ratio,
  shareOf,
  sum,
  topShare,
  totalVariationDistance,
} from './functions.ts'

/** The Δ of rank_persistence. */
export const PERSISTENCE_DELTA = 10

/**
 * The one place where every number the kit reports is defined. bench/METRICS.md is rendered from
 * this table (`npm run docs`; a test fails when it is stale), `bench list` prints it, and
 * each column's value function computes it as written here, from what its collectors gathered. `better` tells compare
 * tools which way
 * is an improvement: 'higher', 'lower' or 'neither' (a trade-off, no good direction).
 */
export type Direction = 'higher' | 'lower' | 'neither'
export interface MetricDef {
  name: string
  side: 'keys' | 'sellers' | 'buyers' | 'platform' | 'speed' | 'round' | 'seller'
  better: Direction
  definition: string
}

/** A summary.csv metric: its definition, the collectors it reads, and its value computed as the definition says. */
export interface SummaryMetric extends MetricDef {
  uses: readonly CollectorDef[]
  value(run: RunResult): number
}

/** A rounds.csv metric, computed from one round's record. */
export interface RoundMetric extends MetricDef {
  value(round: RoundRecord & { ndcgSum: number }, catalog: CatalogAsGenerated): number
}

/** What a summary metric reads: the run's outcome, its catalog, and (through get) what its collectors gathered. */
export interface RunResult {
  outcome: RunOutcome
  catalog: CatalogAsGenerated
  get<R>(collector: CollectorDef<R>): R
}

const def = (name: string, side: MetricDef['side'], better: Direction, definition: string): MetricDef => ({
  name,
  side,
  better,
  definition,
})
const metric = (
  name: string,
  side: MetricDef['side'],
  better: Direction,
  definition: string,
  uses: readonly CollectorDef[],
  value: (run: RunResult) => number,
): SummaryMetric => ({ name, side, better, definition, uses, value })
const roundMetric = (
  name: string,
  better: Direction,
  definition: string,
  value: RoundMetric['value'],
): RoundMetric => ({ name, side: 'round', better, definition, value })

// Shorthands for the value functions below.
const exposure = (r: RunResult) => r.get(sellerTotals).exposure
const revenue = (r: RunResult) => r.get(sellerTotals).revenue
const joinedLate = (r: RunResult) => (s: number) => r.catalog.sellers.joinRound[s] > 0
const survival = (r: RunResult, archetype?: number) => {
  const { sellers } = r.catalog
  let start = 0
  let end = 0
  for (let s = 0; s < sellers.count; s++) {
    if (sellers.joinRound[s] !== 0 || (archetype !== undefined && sellers.archetype[s] !== archetype)) continue
    start++
    end += r.outcome.activeAtEnd[s]
  }
  return rate(end, start)
}
const relativeChange = (from: number, to: number) => rate(to - from, from)
const trends = (r: RunResult) => r.get(marketTrends)
const repricing = (r: RunResult) => repricingOf(r.catalog.products.price, r.get(startPrices))
const factoryShare = (revenueByArchetype: Float64Array) => ratio(revenueByArchetype[0], sum(revenueByArchetype))

/** Every result file starts with these; `variant` names a --sweep combination (empty without one). */
export const KEY_COLUMNS = ['algorithm', 'variant', 'scenario', 'seed'] as const

/** summary.csv after the keys, in file order. Sums run over all n sellers of the scenario, zeros included. */
export const SUMMARY_METRICS: readonly SummaryMetric[] = [
  metric(
    'sellers_active',
    'sellers',
    'higher',
    'Sellers in the market at the end of the last round (joined and not exited).',
    [],
    (r) => sum(r.outcome.activeAtEnd),
  ),
  metric(
    'gini_exposure',
    'sellers',
    'lower',
    'Gini coefficient of seller exposure over the run: G = Σ_i Σ_j |x_i − x_j| / (2 n Σ x); 0 when all equal, ' +
      '(n−1)/n when one seller has all, 0 when Σ x = 0. Reading: inequality among all sellers, zeros included, so ' +
      "sellers shown nothing push it up; countries' income Ginis lie around 0.25–0.65 (World Bank), and exposure " +
      'on a marketplace is usually far more unequal.',
    [sellerTotals],
    (r) => gini(exposure(r)),
  ),
  metric(
    'gini_revenue',
    'sellers',
    'lower',
    'Gini coefficient (as gini_exposure) of seller revenue over the run.',
    [sellerTotals],
    (r) => gini(revenue(r)),
  ),
  metric(
    'top10_exposure_share',
    'sellers',
    'lower',
    'Share of all exposure held by the ⌈n/10⌉ sellers with the most exposure. Reading: 0.1 when exposure is ' +
      'equal, 1 when the top tenth has it all; unlike hhi_revenue it does not shrink as the number of sellers ' +
      'grows, so a top-10% share of 0.88 beside an HHI of 300 means a broad head of sellers shares most of the ' +
      'attention with none dominant, not that the market is competitive for the tail.',
    [sellerTotals],
    (r) => topShare(exposure(r), 0.1),
  ),
  metric(
    'hhi_revenue',
    'sellers',
    'lower',
    'Herfindahl–Hirschman index of seller revenue shares in percent: Σ (100 · revenue_i / Σ revenue)², in [0, ' +
      '10000]. Reading (US Horizontal Merger Guidelines 2010): below 1,500 unconcentrated, 1,500–2,500 moderately, ' +
      'above 2,500 highly concentrated (the 2023 guidelines put the line at 1,800). With n sellers it is at least ' +
      '10000 / n, so in a market of hundreds of sellers it stays low even when a tenth of them hold most of the ' +
      'sales: it measures market power among sellers, not how unequal exposure is (see gini_exposure, ' +
      'top10_exposure_share).',
    [sellerTotals],
    (r) => hhi(revenue(r)),
  ),
  metric(
    'new_seller_exposure_share',
    'sellers',
    'neither',
    'Exposure share of sellers whose join round is after round 0 (entrants).',
    [sellerTotals],
    (r) => shareOf(exposure(r), joinedLate(r)),
  ),
  metric(
    'small_seller_revenue_share',
    'sellers',
    'neither',
    'Revenue share of sellers of the smallest size tier ("small").',
    [sellerTotals],
    (r) => shareOf(revenue(r), (s) => r.catalog.sellers.sizeTier[s] === 0),
  ),
  metric(
    'zero_ad_seller_exposure_share',
    'sellers',
    'neither',
    'Exposure share of sellers that spent nothing on ads during the run.',
    [sellerTotals],
    (r) => shareOf(exposure(r), (s) => r.get(sellerTotals).adSpend[s] === 0),
  ),
  metric(
    'exposure_merit_tvd',
    'sellers',
    'lower',
    "Total-variation distance ½ Σ |e_i/Σe − m_i/Σm| between sellers' exposure and merit. " +
      'Merit: in each session ' +
      'every candidate p receives E_s · g_p / Σ_candidates g, with g = relevance × true quality and E_s the ' +
      "exposure the session handed out; a seller's merit sums over its products and sessions. 0 = exposure exactly " +
      'proportional to merit.',
    [sellerTotals, rankingQuality],
    (r) => totalVariationDistance(exposure(r), r.get(rankingQuality).merit),
  ),
  metric(
    'rank_persistence',
    'sellers',
    'neither',
    "Mean Jaccard similarity |A∩B|/|A∪B| of each category's top-10 products by exposure in round t and round t + " +
      'Δ, over t and the categories with more than 10 listed products in both rounds (a smaller category keeps its ' +
      'whole list whatever the ranking does; pairs where both lists are empty are skipped); Δ = min(10, rounds − ' +
      '1). Empty when no category qualifies (count: rank_persistence_excluded_categories).',
    [topProducts, listedPerCategory],
    (r) => rankPersistence(r.get(topProducts), TOP_PER_CATEGORY, PERSISTENCE_DELTA, r.get(listedPerCategory)),
  ),
  metric(
    'seller_survival_rate',
    'sellers',
    'higher',
    'Share of the sellers active at round 0 that are still active at the end; empty when there are none.',
    [],
    (r) => survival(r),
  ),
  metric(
    'median_seller_margin',
    'sellers',
    'higher',
    'Median over sellers with revenue > 0 of profit / revenue (profit as in sellers.csv); empty when no seller ' +
      'has revenue.',
    [sellerTotals],
    (r) => {
      const { profit } = r.get(sellerTotals)
      const margins: number[] = []
      revenue(r).forEach((x, s) => {
        if (x > 0) margins.push(profit[s] / x)
      })
      return median(margins)
    },
  ),
  metric('conversion_rate', 'buyers', 'higher', 'Orders / sessions (a session buys at most one item).', [], (r) =>
    ratio(r.outcome.totals.orders, r.outcome.totals.sessions),
  ),
  metric(
    'avg_price_paid',
    'buyers',
    'lower',
    'GMV / orders: the mean retail price buyers paid; empty without orders.',
    [],
    (r) => rate(r.outcome.totals.gmv, r.outcome.totals.orders),
  ),
  metric(
    'buyer_surplus',
    'buyers',
    'higher',
    'Mean over sessions of (true value of the bought item − retail price − delivery cost), 0 for sessions ' +
      'without a purchase. True value = ref × valueScale × quality × (0.5 + 0.5 relevance); ' +
      "delivery cost = ref × deliveryCostPerDay × days; ref = the product's reference price (§ reference price).",
    [orderOutcomes],
    (r) => ratio(r.get(orderOutcomes).surplusSum, r.outcome.totals.sessions),
  ),
  metric(
    'ndcg_at_10',
    'buyers',
    'higher',
    'Mean over sessions with candidates of DCG@10 / IDCG@10, gain = true relevance × quality, discount ' +
      "1/log2(r+1) at 1-based position r; IDCG from the session's best 10 candidates.",
    [rankingQuality],
    (r) => ratio(r.get(rankingQuality).ndcgSum, r.outcome.totals.rankedSessions),
  ),
  metric(
    'avg_delivery_days',
    'buyers',
    'lower',
    "Mean delivery days over orders (the seller's delivery time: local warehouse or cross-border); empty without " +
      'orders.',
    [orderOutcomes],
    (r) => rate(r.get(orderOutcomes).deliveryDaysSum, r.outcome.totals.orders),
  ),
  metric(
    'gmv',
    'platform',
    'higher',
    'Gross merchandise value: Σ retail price over orders, in dollars.',
    [],
    (r) => r.outcome.totals.gmv,
  ),
  metric(
    'ad_revenue',
    'platform',
    'neither',
    'Σ CPC over sponsored clicks, in dollars.',
    [],
    (r) => r.outcome.totals.adRevenue,
  ),
  metric(
    'commission_revenue',
    'platform',
    'neither',
    'Σ referral commission over orders plus, on managed platforms, the retail markup the platform keeps (retail ' +
      '− declared price), in dollars.',
    [],
    (r) => r.outcome.totals.commission,
  ),
  metric(
    'take_rate',
    'platform',
    'neither',
    '(commission_revenue + fulfilment fees + ad_revenue) / gmv; 0 when gmv = 0.',
    [],
    ({ outcome: { totals: t } }) => ratio(t.commission + t.fulfilmentFees + t.adRevenue, t.gmv),
  ),
  metric(
    'sponsored_impression_share',
    'platform',
    'neither',
    'Sponsored impressions / all impressions (an impression is a product shown in a slot).',
    [],
    (r) => ratio(r.outcome.totals.sponsoredImpressions, r.outcome.totals.impressions),
  ),
  metric(
    'avg_cpc',
    'platform',
    'neither',
    'ad_revenue / sponsored clicks, in dollars; empty when there were no sponsored clicks.',
    [],
    (r) => rate(r.outcome.totals.adRevenue, r.outcome.totals.sponsoredClicks),
  ),
  // Beyond DESIGN.md's list: the numbers the stylized facts (seeds/facts.json) are checked on.
  metric(
    'factory_survival_rate',
    'sellers',
    'higher',
    'seller_survival_rate among factories; empty when no factory is active at round 0.',
    [],
    (r) => survival(r, 0),
  ),
  metric(
    'trader_survival_rate',
    'sellers',
    'higher',
    'seller_survival_rate among traders; empty when there are none at round 0.',
    [],
    (r) => survival(r, 1),
  ),
  metric(
    'brand_survival_rate',
    'sellers',
    'higher',
    'seller_survival_rate among brands; empty when there are none at round 0.',
    [],
    (r) => survival(r, 2),
  ),
  metric(
    'factory_revenue_share_change',
    'sellers',
    'neither',
    "Factories' share of seller revenue in the last round minus their share in the first round (0 when a round " +
      'has no revenue).',
    [marketTrends],
    (r) => factoryShare(r.get(marketTrends).lastRoundRevenue) - factoryShare(r.get(marketTrends).firstRoundRevenue),
  ),
  metric(
    'declared_price_change',
    'sellers',
    'neither',
    'Over the offers listed both before the first round and at the end of the last (stayers): (mean declared ' +
      'price at the end − mean before the first round) / the latter. Entry and exit do not move it (see ' +
      'declared_price_composition_effect); empty when no offer stays.',
    [marketTrends],
    (r) => relativeChange(trends(r).stayersStartMean, trends(r).stayersEndMean),
  ),
  metric(
    'cheapest_offer_exposure_share',
    'platform',
    'neither',
    "Over rounds, in identical-product groups with at least two listed offers: Σ exposure of the group's " +
      'cheapest offer (by declared price during the round) / Σ exposure of the group; empty without such exposure.',
    [listingOutcomes],
    (r) => rate(r.get(listingOutcomes).cheapestOfferExposure, r.get(listingOutcomes).contestedGroupExposure),
  ),
  metric(
    'flagged_listing_exposure_share',
    'platform',
    'neither',
    'Exposure share of listings whose price on another platform is below their retail price here (what price ' +
      'parity flags); empty without exposure.',
    [listingOutcomes],
    (r) => rate(r.get(listingOutcomes).flaggedExposure, r.get(listingOutcomes).exposure),
  ),
  metric(
    'outside_haul_box_impression_share',
    'platform',
    'neither',
    "Share of impressions of items outside Amazon Haul's box: retail ≥ maxPrice, or a known weight ≥ maxWeightLb " +
      "(the run's plugin parameters when it has them, as amazon-haul does; else $20 and 1 lb). An item of unknown " +
      'weight is outside only by its price. Empty without impressions.',
    [listingOutcomes],
    (r) => rate(r.get(listingOutcomes).outsideHaulBoxImpressions, r.outcome.totals.impressions),
  ),
  metric(
    'declared_price_composition_effect',
    'sellers',
    'neither',
    'How much entry and exit move the mean declared price beyond declared_price_change: (mean over offers listed ' +
      'at the end − mean over offers listed before the first round) / the latter, minus declared_price_change; ' +
      'empty when either is.',
    [marketTrends],
    (r) =>
      relativeChange(trends(r).listedStartMean, trends(r).listedEndMean) -
      relativeChange(trends(r).stayersStartMean, trends(r).stayersEndMean),
  ),
  metric(
    'rank_persistence_excluded_categories',
    'sellers',
    'neither',
    'Categories with products that rank_persistence leaves out: in no pair of rounds t, t + Δ did they have more ' +
      'than 10 listed products in both.',
    [listedPerCategory],
    (r) => {
      const { start } = r.catalog.categories
      return persistenceExcludedCategories(
        r.get(listedPerCategory),
        TOP_PER_CATEGORY,
        PERSISTENCE_DELTA,
        Array.from({ length: r.catalog.categories.count }, (_, c) => start[c + 1] - start[c]),
      )
    },
  ),
  // What the sellers' fee pricing (market.feePricing) did before round 0, per plugin.
  metric(
    'repriced_offers',
    'sellers',
    'neither',
    "Offers whose declared price the sellers raised before round 0 to cover the platform's fees: catalog price < " +
      'floor = (unit cost × (1 + minMargin of the archetype) + fulfilment fee) / (1 − referral rate), raised to ' +
      'the floor rounded up to the cent. 0 with market.feePricing off.',
    [startPrices],
    (r) => repricing(r).repriced,
  ),
  metric(
    'repriced_offer_share',
    'sellers',
    'neither',
    'repriced_offers / all offers of the catalog.',
    [startPrices],
    (r) => rate(repricing(r).repriced, repricing(r).offers),
  ),
  metric(
    'mean_repricing_ratio',
    'sellers',
    'neither',
    'Mean over repriced offers of declared price at the start / catalog price; 1 when no offer was repriced.',
    [startPrices],
    (r) => repricing(r).meanRatio,
  ),
  metric(
    'max_repricing_ratio',
    'sellers',
    'neither',
    'Largest declared price at the start / catalog price over all offers; 1 when no offer was repriced.',
    [startPrices],
    (r) => repricing(r).maxRatio,
  ),
]

/** throughput.csv after the keys: the only non-deterministic file. */
export const THROUGHPUT_METRICS: readonly MetricDef[] = [
  def(
    'sessions_per_sec',
    'speed',
    'higher',
    'Sessions simulated per second of wall time over the whole run (retrieval, ranking, buyer model, seller ' +
      'dynamics), timed after the first 2,000 sessions of the run (at most half its sessions), a warm-up for the ' +
      'JIT, which is not counted: sessions_per_sec = (sessions − warm-up) ÷ seconds after the warm-up. Empty when ' +
      '--bench-time is 0 (nothing measured).',
  ),
  def(
    'rank_ops_per_sec',
    'speed',
    'higher',
    'rank() calls per second, measured with tinybench replaying sessions captured in the last round.',
  ),
  def('rank_p50_us', 'speed', 'lower', 'Median latency of one rank() call in microseconds (tinybench).'),
  def('rank_p99_us', 'speed', 'lower', '99th percentile latency of one rank() call in microseconds (tinybench).'),
  def(
    'peak_memory_mb',
    'speed',
    'lower',
    'Peak of the V8 heap plus ArrayBuffers (typed arrays), sampled at the end of each round of the run, in MiB ' +
      "(2^20 bytes). In a process running one cell at a time it is that cell's peak.",
  ),
]

/** rounds.csv after the keys and `round` (0-based); each is computed over that round only. */
export const ROUND_METRICS: readonly RoundMetric[] = [
  roundMetric(
    'gini_exposure',
    'lower',
    'Gini coefficient of seller exposure in the round (all sellers of the scenario).',
    (r) => gini(r.sellerExposure),
  ),
  roundMetric('new_seller_exposure_share', 'neither', 'Exposure share of entrant sellers in the round.', (r, c) =>
    shareOf(r.sellerExposure, (s) => c.sellers.joinRound[s] > 0),
  ),
  roundMetric('sponsored_impression_share', 'neither', 'Sponsored impressions / impressions in the round.', (r) =>
    ratio(r.totals.sponsoredImpressions, r.totals.impressions),
  ),
  roundMetric('avg_cpc', 'neither', 'Ad revenue / sponsored clicks in the round; 0 without sponsored clicks.', (r) =>
    ratio(r.totals.adRevenue, r.totals.sponsoredClicks),
  ),
  roundMetric('gmv', 'higher', "Σ retail price over the round's orders.", (r) => r.totals.gmv),
  roundMetric('sellers_active', 'higher', 'Sellers active at the end of the round.', (r) => r.sellersActive),
  roundMetric('avg_price_paid', 'lower', 'GMV / orders in the round; 0 without orders.', (r) =>
    ratio(r.totals.gmv, r.totals.orders),
  ),
  roundMetric(
    'small_seller_exposure_share',
    'neither',
    'Exposure share of sellers of the smallest size tier in the round.',
    (r, c) => shareOf(r.sellerExposure, (s) => c.sellers.sizeTier[s] === 0),
  ),
  roundMetric('ndcg_at_10', 'higher', "ndcg_at_10 over the round's sessions with candidates.", (r) =>
    ratio(r.ndcgSum, r.totals.rankedSessions),
  ),
]

/** sellers.csv after the keys: one row per seller of the scenario, totals over the run. */
export const SELLER_COLUMNS: readonly MetricDef[] = [
  def(
    'seller_id',
    'seller',
    'neither',
    "The seller's id (s0, s1, … when generated; " + 'as given in an imported catalog).',
  ),
  def('archetype', 'seller', 'neither', 'factory, trader or brand.'),
  def(
    'size_tier',
    'seller',
    'neither',
    'small, medium or large (by catalog size: the top 5% are large, the next 20% medium).',
  ),
  def('join_round', 'seller', 'neither', 'Round in which the seller enters (0 = incumbent).'),
  def(
    'exposure',
    'seller',
    'neither',
    "Σ examination weight 1/log2(r+1) over the seller's impressions at 1-based position r.",
  ),
  def('impressions', 'seller', 'neither', "Times one of the seller's products was shown in a slot."),
  def('clicks', 'seller', 'neither', "Clicks on the seller's products."),
  def('orders', 'seller', 'neither', "Orders of the seller's products."),
  def(
    'revenue',
    'seller',
    'neither',
    'Σ declared price over orders: what the seller bills (equals retail unless the platform marks up).',
  ),
  def('ad_spend', 'seller', 'neither', "Σ CPC paid for clicks on the seller's sponsored slots."),
  def('fees', 'seller', 'neither', 'Referral commission plus fulfilment fees paid.'),
  def(
    'profit',
    'seller',
    'neither',
    'revenue − unit cost × orders − fees − ad_spend − overheadPerStore × stores per active round.',
  ),
  def('active_at_end', 'seller', 'neither', '1 if the seller is in the market at the end of the run, else 0.'),
]

/** The collectors a set of summary metrics reads, plus those that rounds.csv and sellers.csv need. */
export function collectorsFor(metrics: readonly SummaryMetric[] = SUMMARY_METRICS): CollectorDef[] {
  return [...new Set([...metrics.flatMap((m) => m.uses), ...FILE_COLLECTORS])]
}
/** rounds.csv reads the round history, sellers.csv the seller totals. */
const FILE_COLLECTORS: readonly CollectorDef[] = [roundHistory, rankingQuality, sellerTotals]

export const SUMMARY_COLUMNS = [...KEY_COLUMNS, ...SUMMARY_METRICS.map((m) => m.name)]
export const THROUGHPUT_COLUMNS = [...KEY_COLUMNS, ...THROUGHPUT_METRICS.map((m) => m.name)]
export const ROUND_COLUMNS = [...KEY_COLUMNS, 'round', ...ROUND_METRICS.map((m) => m.name)]
export const SELLER_FILE_COLUMNS = [...KEY_COLUMNS, ...SELLER_COLUMNS.map((m) => m.name)]

/** The model behind the numbers, as formulas; rendered into METRICS.md after the column tables. */
export const MODEL_NOTES = `## How the numbers arise

**Examination.** A buyer examines the slot at 1-based position r with probability v(r) = 1/log2(r+1).
Exposure counts the weight v(r) of every impression (the expected attention, not the draw).

**Relevance.** Topic vectors are unit vectors in 8 dimensions. A search's query is
normalise(category centroid + 0.5 × buyer interest); a feed uses the buyer's interest. Relevance of
a candidate = max(0, cosine(product topic, query)).

**Retrieval.** A search retrieves the listed products of its category; when there are more than
R = market.retrieval.maxCandidates, it retrieves the R with the highest cosine to its buyer segment's
query normalise(centroid + 0.5 × prototype) (buyers grouped into market.retrieval.segments segments by
spherical k-means of their interests; lists rebuilt when a category's listings change). A feed takes
up to feedPoolPerCategory listed products from each favourite category, from a uniform random start,
at most R in all. Relevance is then computed exactly, as above, for the buyer's own query.

**What plugins see.** Plugins get the observable market only (algorithms/kit/contract.ts
OBSERVABLE_COLUMNS: prices, reviews and ratings, sales, impressions, clicks, exposure, bids and budgets,
seller and product attributes a platform records), as their own copies; true quality, unit costs, topic
vectors, buyers' interests and sensitivities and sellers' skills stay hidden, read only by the buyer
model and the metrics (a plugin declaring truth: true, the oracle, is the one exception). In place of
the true relevance a plugin sees the platform's estimate, \
clamp(relevance + σ (√½ e_item + √½ e_query,item), 0, 1),
σ = market.retrieval.relevanceNoise (default 0.1, an assumption: within a query the estimate then
correlates about 0.83 with the truth on default), e standard normals fixed by the seed per item and per
(buyer, category, item); σ = 0 hands plugins the true relevance. The buyer model and every metric use the truth.

**Reference price.** Buyers value an item on its own reference price ref (datasets/reference.ts), fixed at
the catalog's starting prices: ref = category refPrice × anchor / (median starting price of the category),
where anchor is the median starting price of the item's identical-product group when it has at least 2
offers, else the median starting price of its price band in the category (bands a factor 2 wide:
⌊log2(price / category median)⌋). An imported category's refPrice is its median price, so there ref = anchor.
One price per category would value a $5 cable like a $500 television.

**Click.** An examined slot is clicked with probability σ(z), z = clickBase + clickRelevance × relevance
+ clickRating × (q̂_rating − 0.5) − clickPrice × ln(retail / ref) [+ clickContent × (contentSkill − 0.5)
in feeds], where q̂_rating = (rating − 1)/4 and rating is the Bayesian average (Σ stars + 3.5 × 3)/(reviews + 3).
A review whose stars are unknown (an imported count with a blank rating) counts 3.5 stars, the prior.

**Purchase.** Among clicked items and an outside option the buyer takes the highest
net = ref × valueScale × perceived × (0.5 + 0.5 relevance) − priceSensitivity × retail
− deliverySensitivity × deliveryCostPerDay × ref × days + choiceNoise × ref × Gumbel,
with perceived = ½ true quality + ½ q̂_rating; the outside option is ref̄ × (outsideValue + choiceNoise × Gumbel),
ref̄ the mean ref of the clicked items.
An order leaves a review with probability reviewRate, stars = clamp(round(1 + 4 × quality + 0.7 × N(0,1)), 1, 5).

**Money.** Retail = declared price × retailMarkup (1 unless the platform is managed). Per order the
platform takes referralRate × retail + (retail − declared) as commission and the fulfilment fee; a
sponsored click costs its CPC. Seller profit per round = Σ (declared − referral − fulfilment − unit cost)
− ad spend − overheadPerStore × stores.

**Between rounds.** Sales velocity ← velocityDecay × velocity + orders. An advertiser multiplies its
bid level by (1 + bidStep) when its ads earned more margin than they cost or won no click, else by
(1 − bidStep) (bounded to [0.05, 8]). On price-first platforms every listed offer that is not the
cheapest of its identical-product group, or that sold nothing in the round, \
cuts its declared price by priceCutStep, not below its floor
(unit cost × (1 + minMargin of its archetype) + per-unit fees, over 1 − referral rate; sellers also
raise any price below that floor before the run starts, unless market.feePricing is off: the
repriced_offers columns report it). Entrants join on their round at their own price (on
price-first platforms the cutting rule then applies to them as to everyone).
Sellers leave by the exit model below.

**Seller exit** (market.exit; bench/market/sellers/life-cycle.ts). Each round an active seller books
its profit π = margin of its orders − ad spend − F, with fixed costs F = overheadPerStore × stores and
outside option o = outsideOptionPerStore × stores (what its resources earn elsewhere; 0 by default,
normalised away as in Hopenhayn 1992). Its belief about next round's profit is an exponentially
weighted mean with a prior: S ← ρ S + π, W ← ρ W + 1, level L = S / W, starting from S = n₀ o, W = n₀
(n₀ = priorRounds, ρ = memory): before any evidence a seller believes that staying is worth its
outside option, as it entered (or stayed until round 0) expecting at least that (free entry), and
the prior weighs as n₀ rounds, so thin traffic alone does not make it leave; an entrant gets the
same prior and no other grace. Its trend follows Holt (1957): b ← β (L − L_prev) + (1 − β) b. Its
outlook is the expected profit per round over the next H = horizon rounds beyond the outside option,
in units of its fixed costs, with the trend damped by φ (Gardner & McKenzie 1985):
v = (L + D b − o) / F, D = (1/H) Σ_{h=1..H} Σ_{j=1..h} φ^j. It leaves this round with probability
hazard(v) = 0 for v ≥ 0, else min(maxHazard, hazardPerShortfall × (−v)): a seller that expects to
earn its outside option never leaves (Ericson & Pakes 1995: exit when the value of staying falls
below the outside option); one that expects to fall short leaves at a rate that grows with the
shortfall, not at once, as leaving is irreversible and forfeits its sunk listings, reviews and rank
(Dixit 1989: under uncertainty a firm tolerates losses before it abandons), and each seller acts at
its own random time (the random scrap value of Ericson & Pakes), so no cohort leaves together: the
expected share of active sellers leaving in one round is at most maxHazard. Every seller draws one
uniform number per round from the sellers' stream, active or not, so all plugins' runs of a seed
meet the same draws. Defaults: n₀ = 10, ρ = 0.9 (a memory of about 10 rounds), β = 0.3, φ = 0.95
(D ≈ 9.6), H = 30, o = 0, hazardPerShortfall = 0.0035 a round (a store selling nothing leaves at
about 10% a month), maxHazard = 0.1; all assumptions, the hazard calibrated once, on default under
relevance, to the survival range below. A seller squeezed out of its sales (a trader undercut on a
price-first platform) sees its estimate fall and its trend turn down, so it leaves sooner than one
whose thin sales never changed.

**Plausible survival.** About 80% of new US establishments survive their first year (BLS Business
Employment Dynamics), a monthly hazard of 1 − 0.8^(1/12) ≈ 1.8%; marketplace stores open and close
more easily than establishments, so we allow up to five times that hazard: over a month of daily
rounds (30) under a neutral ranker (relevance), between 0.8^(5/12) ≈ 0.91 and 0.8^(1/12) ≈ 0.98 of
the incumbents should survive. Lower survival on a platform is then an outcome of its rules (ad costs
above ad returns, offers that lose their group on a price-first platform), not of the exit clock.
`

/** facts.csv, written by `bench facts`: one row per fact of seeds/facts.json. */
export const FACT_COLUMNS = ['id', 'claim', 'source', 'scope', 'scenario', 'seeds', 'holds', 'measured'] as const
