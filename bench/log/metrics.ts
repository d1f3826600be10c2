import { ARCHETYPES, SIZE_TIERS } from '../../core/catalog.ts'
import type { Row } from '../../core/csv.ts'
import { TOP_PER_CATEGORY } from '../metrics/collectors/persistence.ts'
import { PERSISTENCE_DELTA, ROUND_METRICS, SELLER_COLUMNS, SUMMARY_METRICS } from '../metrics/definitions.ts'
import { gini, hhi, rankPersistence, rate, ratio, shareOf, sum, topShare } from '../metrics/functions.ts'
import type { RowKeys } from '../metrics/summarize.ts'
import { emptyIfNaN } from '../metrics/summarize.ts'
import type { SellerInfo } from './inputs.ts'
import type { LogTotals, RoundTotals } from './totals.ts'

/**
 * Which result columns an impression log defines, and from what. Each column is computed with the
 * same pure function (bench/metrics/functions.ts) as the simulation's; what a log cannot carry is
 * left empty with its reason. METRICS.md renders this table (`npm run docs`).
 */

/** What a column needs beyond the log's required columns. */
export const LOG_INPUTS = {
  join_round: 'join_round in --sellers',
  size_tier: 'size_tier in --sellers',
  archetype: 'archetype in --sellers',
  active_at_end: 'active_at_end in --sellers',
  category: "every shown product's category (the log's category column or --products)",
  relevance: "the log's relevance column",
} as const
export type LogInput = keyof typeof LOG_INPUTS

/** What a column's formula reads: the log's totals and the --sellers attributes, aligned by seller index. */
export interface LogContext {
  totals: LogTotals
  sellers: SellerInfo | null
}

type Value = number | string
interface FromLog<T> {
  needs: readonly LogInput[]
  value: (x: T) => Value
}
type LogDef<T> = FromLog<T> | { missing: string }

const from = <T>(needs: readonly LogInput[], value: (x: T) => Value): LogDef<T> => ({ needs, value })
const missing = <T>(why: string): LogDef<T> => ({ missing: why })

// Seller attributes, present when LOG_INPUTS says they are needed.
const joinRound = (x: LogContext) => x.sellers!.joinRound!
const sizeTier = (x: LogContext) => x.sellers!.sizeTier!
const archetype = (x: LogContext) => x.sellers!.archetype!
const activeAtEnd = (x: LogContext) => x.sellers!.activeAtEnd!

/** seller_survival_rate over the incumbents (join round 0), optionally of one archetype. */
function survival(x: LogContext, only: number | null): number {
  let start = 0
  let end = 0
  for (let s = 0; s < x.totals.sellers.id.length; s++) {
    if (joinRound(x)[s] !== 0 || (only !== null && archetype(x)[s] !== only)) continue
    start++
    end += activeAtEnd(x)[s]
  }
  return rate(end, start)
}

const factoryShare = (r: RoundTotals | undefined) =>
  r ? ratio(r.revenueByArchetype![0], sum(r.revenueByArchetype!)) : 0

/** Per round 0 … last, each category's top products, -1 padded (empty for a round without rows). */
function topsByRound(t: LogTotals): Int32Array[] {
  const width = t.categories * TOP_PER_CATEGORY
  const empty = new Int32Array(width).fill(-1)
  const tops: Int32Array[] = Array.from({ length: t.rounds[t.rounds.length - 1].round + 1 }, () => empty)
  for (const r of t.rounds) {
    const row = new Int32Array(width).fill(-1)
    for (const [c, products] of r.topProducts) row.set(products, c * TOP_PER_CATEGORY)
    tops[r.round] = row
  }
  return tops
}

const survivalNeeds = ['join_round', 'active_at_end'] as const
const archetypeSurvival = (a: number) => from<LogContext>(['archetype', ...survivalNeeds], (x) => survival(x, a))

export const LOG_SUMMARY: Record<string, LogDef<LogContext>> = {
  sellers_active: from(['active_at_end'], (x) => sum(activeAtEnd(x))),
  gini_exposure: from([], (x) => gini(x.totals.sellers.exposure)),
  gini_revenue: from([], (x) => gini(x.totals.sellers.revenue)),
  top10_exposure_share: from([], (x) => topShare(x.totals.sellers.exposure, 0.1)),
  hhi_revenue: from([], (x) => hhi(x.totals.sellers.revenue)),
  new_seller_exposure_share: from(['join_round'], (x) =>
    shareOf(x.totals.sellers.exposure, (s) => joinRound(x)[s] > 0),
  ),
  small_seller_revenue_share: from(['size_tier'], (x) =>
    shareOf(x.totals.sellers.revenue, (s) => sizeTier(x)[s] === 0),
  ),
  zero_ad_seller_exposure_share: from([], (x) =>
    shareOf(x.totals.sellers.exposure, (s) => x.totals.sellers.adSpend[s] === 0),
  ),
  exposure_merit_tvd: missing(
    'needs the true quality and relevance of every candidate, shown or not, which a log of shown items lacks',
  ),
  rank_persistence: from(['category'], (x) =>
    rankPersistence(topsByRound(x.totals), TOP_PER_CATEGORY, PERSISTENCE_DELTA),
  ),
  seller_survival_rate: from(survivalNeeds, (x) => survival(x, null)),
  median_seller_margin: missing("needs each seller's costs and fees (profit)"),
  conversion_rate: from([], (x) => ratio(x.totals.orders, x.totals.sessions)),
  avg_price_paid: from([], (x) => rate(x.totals.gmv, x.totals.orders)),
  buyer_surplus: missing("needs the buyer's true value of the item bought"),
  ndcg_at_10: from(['relevance'], (x) => ratio(x.totals.ndcgSum, x.totals.shownSessions)),
  avg_delivery_days: missing('needs delivery times'),
  gmv: from([], (x) => x.totals.gmv),
  ad_revenue: from([], (x) => x.totals.adRevenue),
  commission_revenue: missing('needs the fee schedule and declared (supply) prices'),
  take_rate: missing('needs commission and fulfilment fees'),
  sponsored_impression_share: from([], (x) => ratio(x.totals.sponsoredImpressions, x.totals.impressions)),
  avg_cpc: from([], (x) => rate(x.totals.adRevenue, x.totals.sponsoredClicks)),
  factory_survival_rate: archetypeSurvival(0),
  trader_survival_rate: archetypeSurvival(1),
  brand_survival_rate: archetypeSurvival(2),
  factory_revenue_share_change: from(['archetype'], (x) => {
    const rounds = x.totals.rounds
    return factoryShare(rounds[rounds.length - 1]) - factoryShare(rounds.find((r) => r.round === 0))
  }),
  declared_price_change: missing('needs declared (supply) prices over time'),
  cheapest_offer_exposure_share: missing("needs identical-product groups and each offer's price during the round"),
  flagged_listing_exposure_share: missing("needs each listing's price on other platforms"),
  outside_haul_box_impression_share: missing('needs the retail price and weight of every shown item'),
  declared_price_composition_effect: missing('needs declared (supply) prices over time'),
  rank_persistence_excluded_categories: missing("needs every category's listed products, shown or not"),
  repriced_offers: missing("needs each offer's catalog price and its declared price at the start"),
  repriced_offer_share: missing("needs each offer's catalog price and its declared price at the start"),
  mean_repricing_ratio: missing("needs each offer's catalog price and its declared price at the start"),
  max_repricing_ratio: missing("needs each offer's catalog price and its declared price at the start"),
}

/** A round's row reads its totals and its sellers' exposure as a dense column (zeros included). */
export interface RoundContext extends LogContext {
  round: RoundTotals
  exposure: Float64Array
}

export const LOG_ROUNDS: Record<string, LogDef<RoundContext>> = {
  gini_exposure: from([], (x) => gini(x.exposure)),
  new_seller_exposure_share: from(['join_round'], (x) => shareOf(x.exposure, (s) => joinRound(x)[s] > 0)),
  sponsored_impression_share: from([], (x) => ratio(x.round.sponsoredImpressions, x.round.impressions)),
  avg_cpc: from([], (x) => ratio(x.round.adRevenue, x.round.sponsoredClicks)),
  gmv: from([], (x) => x.round.gmv),
  sellers_active: missing('needs when each seller left, round by round'),
  avg_price_paid: from([], (x) => ratio(x.round.gmv, x.round.orders)),
  small_seller_exposure_share: from(['size_tier'], (x) => shareOf(x.exposure, (s) => sizeTier(x)[s] === 0)),
  ndcg_at_10: missing('needs the true relevance of every candidate, which no log records'),
}

export interface SellerContext extends LogContext {
  s: number
}

const sellerTotal = (key: Exclude<keyof LogTotals['sellers'], 'id'>) =>
  from<SellerContext>([], (x) => x.totals.sellers[key][x.s])
export const LOG_SELLERS: Record<string, LogDef<SellerContext>> = {
  seller_id: from([], (x) => x.totals.sellers.id[x.s]),
  archetype: from(['archetype'], (x) => ARCHETYPES[archetype(x)[x.s]]),
  size_tier: from(['size_tier'], (x) => SIZE_TIERS[sizeTier(x)[x.s]]),
  join_round: from(['join_round'], (x) => joinRound(x)[x.s]),
  exposure: sellerTotal('exposure'),
  impressions: sellerTotal('impressions'),
  clicks: sellerTotal('clicks'),
  orders: sellerTotal('orders'),
  revenue: sellerTotal('revenue'),
  ad_spend: sellerTotal('adSpend'),
  fees: missing('needs the fee schedule'),
  profit: missing('needs costs and fees'),
  active_at_end: from(['active_at_end'], (x) => activeAtEnd(x)[x.s]),
}

/** The inputs this log and --sellers provide. */
export function availableInputs(x: LogContext): Set<LogInput> {
  const have = new Set<LogInput>()
  const s = x.sellers
  if (s?.joinRound) have.add('join_round')
  if (s?.sizeTier) have.add('size_tier')
  if (s?.archetype) have.add('archetype')
  if (s?.activeAtEnd) have.add('active_at_end')
  if (x.totals.hasCategory) have.add('category')
  if (x.totals.hasRelevance) have.add('relevance')
  return have
}

/** Why a column is empty for this log, or null when it is defined. */
export function emptyReason(def: LogDef<never>, have: Set<LogInput>): string | null {
  if ('missing' in def) return def.missing
  const lacking = def.needs.filter((n) => !have.has(n))
  return lacking.length ? `needs ${lacking.map((n) => LOG_INPUTS[n]).join(' and ')}` : null
}

export interface EmptyColumn {
  file: 'summary.csv' | 'rounds.csv' | 'sellers.csv'
  column: string
  reason: string
}

export interface LogRows {
  summary: Row
  rounds: Row[]
  sellers: Row[]
  empty: EmptyColumn[]
}

/** A value as a cell: numbers as summarize writes them (NaN, a rate over an empty group, as an empty cell). */
const emptyCell = (v: Value) => (typeof v === 'number' ? emptyIfNaN(v) : v)

/** summary.csv, rounds.csv and sellers.csv rows of a log, columns as the simulation's; '' where undefined. */
export function logRows(keys: RowKeys, x: LogContext): LogRows {
  const have = availableInputs(x)
  const empty: EmptyColumn[] = []
  const fill = <T>(file: EmptyColumn['file'], names: readonly string[], defs: Record<string, LogDef<T>>) => {
    const reasons = new Map<string, string>()
    for (const name of names) {
      const reason = emptyReason(defs[name] as LogDef<never>, have)
      if (reason !== null) {
        reasons.set(name, reason)
        empty.push({ file, column: name, reason })
      }
    }
    return (context: T): Row =>
      Object.fromEntries(names.map((n) => [n, reasons.has(n) ? '' : emptyCell((defs[n] as FromLog<T>).value(context))]))
  }
  const summary = fill(
    'summary.csv',
    SUMMARY_METRICS.map((m) => m.name),
    LOG_SUMMARY,
  )
  const round = fill(
    'rounds.csv',
    ROUND_METRICS.map((m) => m.name),
    LOG_ROUNDS,
  )
  const seller = fill(
    'sellers.csv',
    SELLER_COLUMNS.map((m) => m.name),
    LOG_SELLERS,
  )
  const exposure = new Float64Array(x.totals.sellers.id.length)
  return {
    summary: { ...keys, ...summary(x) },
    rounds: x.totals.rounds.map((r) => {
      exposure.fill(0)
      r.exposedSellers.forEach((s, i) => {
        exposure[s] = r.sellerExposure[i]
      })
      return { ...keys, round: r.round, ...round({ ...x, round: r, exposure }) }
    }),
    sellers: x.totals.sellers.id.map((_, s) => ({ ...keys, ...seller({ ...x, s }) })),
    empty,
  }
}
