import { ARCHETYPES, type CatalogAsGenerated, SIZE_TIERS } from '../../core/catalog.ts'
import type { Row } from '../../core/csv.ts'
import type { RunOutcome } from '../market/types.ts'
import { rankingQuality } from './collectors/ranking-quality.ts'
import { roundHistory } from './collectors/rounds.ts'
import { sellerTotals } from './collectors/sellers.ts'
import { ROUND_METRICS, type RunResult, SUMMARY_METRICS, type SummaryMetric } from './definitions.ts'

export interface RowKeys {
  algorithm: string
  variant: string
  scenario: string
  seed: number
}

/** An undefined value (NaN: a rate over an empty group) is written as an empty cell, not 0. */
export const emptyIfNaN = (x: number): number | string => (Number.isNaN(x) ? '' : x)

function runResult(outcome: RunOutcome, catalog: CatalogAsGenerated): RunResult {
  return { outcome, catalog, get: (def) => outcome.collected.get(def) }
}

/** summary.csv's row for one run: each metric's value as bench/metrics/definitions.ts defines it. */
export function summaryRow(
  keys: RowKeys,
  outcome: RunOutcome,
  catalog: CatalogAsGenerated,
  metrics: readonly SummaryMetric[] = SUMMARY_METRICS,
): Row {
  const run = runResult(outcome, catalog)
  // An undefined value (NaN: a rate over an empty group) is an empty cell, not 0.
  return { ...keys, ...Object.fromEntries(metrics.map((m) => [m.name, emptyIfNaN(m.value(run))])) }
}

export function roundRows(keys: RowKeys, outcome: RunOutcome, catalog: CatalogAsGenerated): Row[] {
  const ndcg = outcome.collected.get(rankingQuality).ndcgByRound
  return outcome.collected.get(roundHistory).map((record, round) => ({
    ...keys,
    round,
    ...Object.fromEntries(ROUND_METRICS.map((m) => [m.name, m.value({ ...record, ndcgSum: ndcg[round] }, catalog)])),
  }))
}

export function sellerRows(keys: RowKeys, outcome: RunOutcome, catalog: CatalogAsGenerated): Row[] {
  const { sellers } = catalog
  const t = outcome.collected.get(sellerTotals)
  return Array.from({ length: sellers.count }, (_, s) => ({
    ...keys,
    seller_id: sellers.id[s],
    archetype: ARCHETYPES[sellers.archetype[s]],
    size_tier: SIZE_TIERS[sellers.sizeTier[s]],
    join_round: sellers.joinRound[s],
    exposure: t.exposure[s],
    impressions: t.impressions[s],
    clicks: t.clicks[s],
    orders: t.orders[s],
    revenue: t.revenue[s],
    ad_spend: t.adSpend[s],
    fees: t.fees[s],
    profit: t.profit[s],
    active_at_end: outcome.activeAtEnd[s],
  }))
}
