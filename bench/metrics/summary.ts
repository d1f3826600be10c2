import { buyerSurplus, deliveryDays } from './collectors/orders.ts'
import { listedPerCategory, TOP_PER_CATEGORY, topProducts } from './collectors/persistence.ts'
import { rankingQuality } from './collectors/ranking-quality.ts'
import { sellerCosts, sellerTotals } from './collectors/sellers.ts'
import {
  gini,
  hhi,
  median,
  rankPersistence,
  rate,
  ratio,
  shareOf,
  sum,
  topShare,
  totalVariationDistance,
} from './functions.ts'
import { type MetricInputs, metric, type SummaryMetric } from './registry.ts'
import { FACT_METRICS, PERSISTENCE_DELTA, survival } from './summary-facts.ts'

const exposure = (r: MetricInputs<never>) => r.get(sellerTotals).exposure
const revenue = (r: MetricInputs<never>) => r.get(sellerTotals).revenue
const bySellers = { uses: [sellerTotals] }

/**
 * summary.csv after the keys, in file order: the design's columns (sellers, buyers, platform), then the
 * numbers the stylized facts are checked on. Sums run over all n sellers of the source, zeros included.
 */
export const SUMMARY_METRICS: readonly SummaryMetric[] = [
  metric(
    'sellers_active',
    'sellers',
    'higher',
    'Sellers in the market at the end of the last round (joined and not exited).',
    { needs: ['activeAtEnd'] },
    (r) => sum(r.activeAtEnd),
  ),
  metric(
    'gini_exposure',
    'sellers',
    'lower',
    'Gini coefficient of seller exposure over the run: G = Σ_i Σ_j |x_i − x_j| / (2 n Σ x); 0 when all equal, ' +
      '(n−1)/n when one seller has all, 0 when Σ x = 0. Reading: inequality among all sellers, zeros included, so ' +
      "sellers shown nothing push it up; countries' income Ginis lie around 0.25–0.65 (World Bank), and exposure " +
      'on a marketplace is usually far more unequal.',
    bySellers,
    (r) => gini(exposure(r)),
  ),
  metric(
    'gini_revenue',
    'sellers',
    'lower',
    'Gini coefficient (as gini_exposure) of seller revenue over the run.',
    bySellers,
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
    bySellers,
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
    bySellers,
    (r) => hhi(revenue(r)),
  ),
  metric(
    'new_seller_exposure_share',
    'sellers',
    'neither',
    'Exposure share of sellers whose join round is after round 0 (entrants).',
    { needs: ['joinRound'], uses: [sellerTotals] },
    (r) => shareOf(exposure(r), (s) => r.joinRound[s] > 0),
  ),
  metric(
    'small_seller_revenue_share',
    'sellers',
    'neither',
    'Revenue share of sellers of the smallest size tier ("small").',
    { needs: ['sizeTier'], uses: [sellerTotals] },
    (r) => shareOf(revenue(r), (s) => r.sizeTier[s] === 0),
  ),
  metric(
    'zero_ad_seller_exposure_share',
    'sellers',
    'neither',
    'Exposure share of sellers that spent nothing on ads during the run.',
    bySellers,
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
    { needs: ['truth'], uses: [sellerTotals, rankingQuality] },
    (r) => totalVariationDistance(exposure(r), r.get(rankingQuality).merit),
  ),
  metric(
    'rank_persistence',
    'sellers',
    'neither',
    "Mean Jaccard similarity |A∩B|/|A∪B| of each category's top-10 products by exposure in round t and round t + " +
      'Δ, over t and the categories with more than 10 listed products in both rounds (a smaller category keeps its ' +
      'whole list whatever the ranking does; pairs where both lists are empty are skipped); Δ = min(10, rounds − ' +
      '1). Empty when no category qualifies (count: rank_persistence_excluded_categories). Ties at the 10th place ' +
      'go to the product earlier in catalog order; a log lists every product it shows, in every round.',
    { uses: [topProducts, listedPerCategory] },
    (r) => rankPersistence(r.get(topProducts), TOP_PER_CATEGORY, PERSISTENCE_DELTA, r.get(listedPerCategory)),
  ),
  metric(
    'seller_survival_rate',
    'sellers',
    'higher',
    'Share of the sellers active at round 0 that are still active at the end; empty when there are none.',
    { needs: ['joinRound', 'activeAtEnd'] },
    (r) => survival(r),
  ),
  metric(
    'median_seller_margin',
    'sellers',
    'higher',
    'Median over sellers with revenue > 0 of profit / revenue (profit as in sellers.csv); empty when no seller ' +
      'has revenue.',
    { uses: [sellerTotals, sellerCosts] },
    (r) => {
      const { profit } = r.get(sellerCosts)
      const margins: number[] = []
      revenue(r).forEach((x, s) => {
        if (x > 0) margins.push(profit[s] / x)
      })
      return median(margins)
    },
  ),
  metric('conversion_rate', 'buyers', 'higher', 'Orders / sessions (a session buys at most one item).', {}, (r) =>
    ratio(r.totals.orders, r.totals.sessions),
  ),
  metric(
    'avg_price_paid',
    'buyers',
    'lower',
    'GMV / orders: the mean retail price buyers paid; empty without orders.',
    {},
    (r) => rate(r.totals.gmv, r.totals.orders),
  ),
  metric(
    'buyer_surplus',
    'buyers',
    'higher',
    'Mean over sessions of (true value of the bought item − retail price − delivery cost), 0 for sessions ' +
      'without a purchase. True value = ref × valueScale × quality × (0.5 + 0.5 relevance); ' +
      "delivery cost = ref × deliveryCostPerDay × days; ref = the product's reference price (§ reference price).",
    { uses: [buyerSurplus] },
    (r) => ratio(r.get(buyerSurplus), r.totals.sessions),
  ),
  metric(
    'ndcg_at_10',
    'buyers',
    'higher',
    'Mean over sessions with candidates of DCG@10 / IDCG@10, gain = relevance × quality (the hidden truth in a ' +
      "simulation; a log's relevance judgements of the items it shows), discount 1/log2(r+1) at 1-based position " +
      "r; IDCG from the session's best 10 candidates (a log's candidates are the items it shows).",
    { uses: [rankingQuality] },
    (r) => ratio(r.get(rankingQuality).ndcgSum, r.totals.rankedSessions),
  ),
  metric(
    'avg_delivery_days',
    'buyers',
    'lower',
    "Mean delivery days over orders (the seller's delivery time: local warehouse or cross-border); empty without " +
      'orders.',
    { uses: [deliveryDays] },
    (r) => rate(r.get(deliveryDays), r.totals.orders),
  ),
  metric(
    'gmv',
    'platform',
    'higher',
    'Gross merchandise value: Σ retail price over orders, in dollars.',
    {},
    (r) => r.totals.gmv,
  ),
  metric(
    'ad_revenue',
    'platform',
    'neither',
    'Σ CPC over sponsored clicks, in dollars.',
    {},
    (r) => r.totals.adRevenue,
  ),
  metric(
    'commission_revenue',
    'platform',
    'neither',
    'Σ referral commission over orders plus, on managed platforms, the retail markup the platform keeps (retail ' +
      '− declared price), in dollars.',
    { needs: ['costs'] },
    (r) => r.totals.commission,
  ),
  metric(
    'take_rate',
    'platform',
    'neither',
    '(commission_revenue + fulfilment fees + ad_revenue) / gmv; 0 when gmv = 0.',
    { needs: ['costs'] },
    ({ totals: t }) => ratio(t.commission + t.fulfilmentFees + t.adRevenue, t.gmv),
  ),
  metric(
    'sponsored_impression_share',
    'platform',
    'neither',
    'Sponsored impressions / all impressions (an impression is a product shown in a slot).',
    {},
    (r) => ratio(r.totals.sponsoredImpressions, r.totals.impressions),
  ),
  metric(
    'avg_cpc',
    'platform',
    'neither',
    'ad_revenue / sponsored clicks, in dollars; empty when there were no sponsored clicks.',
    {},
    (r) => rate(r.totals.adRevenue, r.totals.sponsoredClicks),
  ),
  ...FACT_METRICS,
]
