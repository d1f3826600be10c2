import { ARCHETYPES, ORIGINS, SIZE_TIERS } from '../../core/catalog.ts'
import { rankingQuality } from './collectors/ranking-quality.ts'
import { activeSellers, roundHistory } from './collectors/rounds.ts'
import { type SellerValues, sellerCosts, sellerTotals } from './collectors/sellers.ts'
import { gini, ratio, shareOf } from './functions.ts'
import {
  described,
  type MetricDef,
  type RoundMetric,
  roundMetric,
  type SellerColumn,
  sellerColumn,
} from './registry.ts'

/** throughput.csv's key besides the run's keys, right after `seed`: which timing of the cell the row is. */
export const THROUGHPUT_KEYS: readonly MetricDef[] = [
  described(
    'repeat',
    'keys',
    'neither',
    'Which measurement of the cell (1-based; bench run --repeat N writes N rows per cell). Repeat 1 is timed on ' +
      "the run that writes the cell's result rows; each later repeat simulates the cell again (same seed, plugin " +
      'and params, a fresh ranker, the same metric collectors, no impression log or seller_rounds.csv) and ' +
      'measures every speed column again on that run.',
  ),
]

/** throughput.csv after the keys and `repeat`: the only non-deterministic file. */
export const THROUGHPUT_METRICS: readonly MetricDef[] = [
  described(
    'sessions_per_sec',
    'speed',
    'higher',
    'Sessions simulated per second of wall time over the whole run (retrieval, ranking, buyer model, seller ' +
      'dynamics), timed after the first 2,000 sessions of the run (at most half its sessions), a warm-up for the ' +
      'JIT, which is not counted: sessions_per_sec = (sessions − warm-up) ÷ seconds after the warm-up. Measured ' +
      'on every run (--bench-time 0 skips only the rank() figures).',
  ),
  described(
    'rank_ops_per_sec',
    'speed',
    'higher',
    'rank() calls per second, measured with tinybench replaying sessions captured in the last round; a ranker in ' +
      'batch mode ranks them as one batch, counted per session. Empty with --bench-time 0.',
  ),
  described(
    'rank_p50_us',
    'speed',
    'lower',
    'Median latency of one rank() call in microseconds (tinybench; batch mode: of one batch ÷ its sessions).',
  ),
  described(
    'rank_p99_us',
    'speed',
    'lower',
    '99th percentile latency of one rank() call in microseconds (tinybench; batch mode: per session as above).',
  ),
  described(
    'peak_memory_mb',
    'speed',
    'lower',
    'Peak of the V8 heap plus ArrayBuffers (typed arrays), sampled at the end of each round of the run, in MiB ' +
      "(2^20 bytes). In a process running one cell at a time it is that cell's peak.",
  ),
]

const history = { uses: [roundHistory] }

/** rounds.csv after the keys and `round` (0-based): one row per round the source had, each over that round only. */
export const ROUND_METRICS: readonly RoundMetric[] = [
  roundMetric(
    'gini_exposure',
    'lower',
    'Gini coefficient of seller exposure in the round (all sellers of the scenario).',
    history,
    (r) => gini(r.record.sellerExposure),
  ),
  roundMetric(
    'new_seller_exposure_share',
    'neither',
    'Exposure share of entrant sellers in the round.',
    { needs: ['joinRound'], uses: [roundHistory] },
    (r) => shareOf(r.record.sellerExposure, (s) => r.joinRound[s] > 0),
  ),
  roundMetric(
    'sponsored_impression_share',
    'neither',
    'Sponsored impressions / impressions in the round.',
    history,
    (r) => ratio(r.record.totals.sponsoredImpressions, r.record.totals.impressions),
  ),
  roundMetric(
    'avg_cpc',
    'neither',
    'Ad revenue / sponsored clicks in the round; 0 without sponsored clicks.',
    history,
    (r) => ratio(r.record.totals.adRevenue, r.record.totals.sponsoredClicks),
  ),
  roundMetric('gmv', 'higher', "Σ retail price over the round's orders.", history, (r) => r.record.totals.gmv),
  roundMetric(
    'sellers_active',
    'higher',
    'Sellers active at the end of the round.',
    { uses: [activeSellers] },
    (r) => r.get(activeSellers)[r.record.round],
  ),
  roundMetric('avg_price_paid', 'lower', 'GMV / orders in the round; 0 without orders.', history, (r) =>
    ratio(r.record.totals.gmv, r.record.totals.orders),
  ),
  roundMetric(
    'small_seller_exposure_share',
    'neither',
    'Exposure share of sellers of the smallest size tier in the round.',
    { needs: ['sizeTier'], uses: [roundHistory] },
    (r) => shareOf(r.record.sellerExposure, (s) => r.sizeTier[s] === 0),
  ),
  roundMetric(
    'ndcg_at_10',
    'higher',
    "ndcg_at_10 over the round's sessions with candidates.",
    { uses: [rankingQuality] },
    (r) => ratio(r.get(rankingQuality).ndcgByRound[r.record.round], r.record.totals.rankedSessions),
  ),
]

const totals = { uses: [sellerTotals] }

/** sellers.csv after the keys: one row per seller of the source, totals over the run. */
export const SELLER_COLUMNS: readonly SellerColumn[] = [
  sellerColumn(
    'seller_id',
    "The seller's id (s0, s1, … when generated; as given in an imported catalog or a log).",
    {},
    (r, s) => r.tables.sellers.id.at(s) ?? '',
  ),
  sellerColumn(
    'archetype',
    'factory, trader or brand.',
    { needs: ['archetype'] },
    (r, s) => ARCHETYPES[r.archetype[s]],
  ),
  sellerColumn(
    'size_tier',
    'small, medium or large (by catalog size: the top 5% are large, the next 20% medium).',
    { needs: ['sizeTier'] },
    (r, s) => SIZE_TIERS[r.sizeTier[s]],
  ),
  sellerColumn(
    'origin',
    'local or cross-border, as the catalog says (a local warehouse decides fulfilment fees and delivery on some ' +
      'platforms); empty for a log.',
    { needs: ['catalog'] },
    (r, s) => ORIGINS[r.catalog.market.sellers.origin[s]],
  ),
  sellerColumn(
    'join_round',
    'Round in which the seller enters (0 = incumbent).',
    { needs: ['joinRound'] },
    (r, s) => r.joinRound[s],
  ),
  sellerColumn(
    'exposure',
    "Σ examination weight v(r) over the seller's impressions at 1-based position r (v(r) = 1/log2(r+1) by default).",
    totals,
    (r, s) => r.get(sellerTotals).exposure[s],
  ),
  sellerColumn(
    'merit',
    'The exposure the seller merits, in the units of exposure: in each session every candidate p receives E_s · ' +
      'g_p / Σ_candidates g, with g = relevance × true quality and E_s the exposure the session handed out, summed ' +
      "over the seller's products and sessions (the merit exposure_merit_tvd compares exposure with). Empty without " +
      'the truth (a log).',
    { needs: ['truth'], uses: [rankingQuality] },
    (r, s) => r.get(rankingQuality).merit[s],
  ),
  sellerColumn(
    'impressions',
    "Times one of the seller's products was shown in a slot.",
    totals,
    (r, s) => r.get(sellerTotals).impressions[s],
  ),
  sellerColumn('clicks', "Clicks on the seller's products.", totals, (r, s) => r.get(sellerTotals).clicks[s]),
  sellerColumn('orders', "Orders of the seller's products.", totals, (r, s) => r.get(sellerTotals).orders[s]),
  sellerColumn(
    'revenue',
    'Σ declared price over orders: what the seller bills (equals retail unless the platform marks up; a log ' +
      'records the retail price).',
    totals,
    (r, s) => r.get(sellerTotals).revenue[s],
  ),
  sellerColumn(
    'ad_spend',
    "Σ CPC paid for clicks on the seller's sponsored slots.",
    totals,
    (r, s) => r.get(sellerTotals).adSpend[s],
  ),
  sellerColumn(
    'fees',
    'Referral commission plus fulfilment fees paid.',
    { uses: [sellerCosts] },
    (r, s) => r.get(sellerCosts).fees[s],
  ),
  sellerColumn(
    'profit',
    'revenue − unit cost × orders − fees − ad_spend − overheadPerStore × stores per active round.',
    { uses: [sellerCosts] },
    (r, s) => r.get(sellerCosts).profit[s],
  ),
  sellerColumn(
    'active_at_end',
    '1 if the seller is in the market at the end of the run, else 0.',
    { needs: ['activeAtEnd'] },
    (r, s) => r.activeAtEnd[s],
  ),
]

/** What a seller_rounds.csv value reads: the round's values per seller, and who was in the market during it. */
export interface SellerRoundInputs extends SellerValues {
  active: ArrayLike<number>
}
export interface SellerRoundColumn extends MetricDef {
  value(r: SellerRoundInputs, seller: number): number
}

const perRound = (
  name: string,
  definition: string,
  value: SellerRoundColumn['value'],
  needs: MetricDef['needs'] = [],
): SellerRoundColumn => ({ ...described(name, 'seller', 'neither', definition), needs, value })

const sums = (column: string) =>
  `; a seller's rows summed in round order give sellers.csv's ${column} to the last bit (its total is that sum).`

/**
 * seller_rounds.csv after the keys, `round` (0-based) and `seller_id` (bench run --seller-rounds): one row per seller
 * and round, each over that round only. A row where the seller is out of the market and every value is 0 (not yet
 * entered, or gone) is left out. Numbers are written in full (shortest round-trip form), not to 8 digits.
 */
export const SELLER_ROUND_COLUMNS: readonly SellerRoundColumn[] = [
  perRound(
    'exposure',
    `Σ examination weight v(r) over the seller's impressions in the round${sums('exposure')}`,
    (r, s) => r.exposure[s],
  ),
  perRound(
    'impressions',
    `Impressions of the seller's products in the round${sums('impressions')}`,
    (r, s) => r.impressions[s],
  ),
  perRound('clicks', `Clicks on the seller's products in the round${sums('clicks')}`, (r, s) => r.clicks[s]),
  perRound('orders', `Orders of the seller's products in the round${sums('orders')}`, (r, s) => r.orders[s]),
  perRound('revenue', `Σ declared price over the round's orders${sums('revenue')}`, (r, s) => r.revenue[s]),
  perRound('ad_spend', `Σ CPC paid in the round${sums('ad_spend')}`, (r, s) => r.adSpend[s]),
  perRound(
    'active',
    '1 if the seller is in the market during the round (joined, and not gone before it began: a seller that ' +
      'leaves after the round still counts), else 0.',
    (r, s) => r.active[s],
    ['activity'],
  ),
]
