import type { CollectorDef } from '../market/stream.ts'
import { rankingQuality } from './collectors/ranking-quality.ts'
import { activeSellers, roundHistory } from './collectors/rounds.ts'
import { sellerCosts, sellerTotals } from './collectors/sellers.ts'
import { ROUND_METRICS, SELLER_COLUMNS, SELLER_ROUND_COLUMNS, THROUGHPUT_KEYS, THROUGHPUT_METRICS } from './files.ts'
import { collectorsOf, type SummaryMetric } from './registry.ts'
import { SUMMARY_METRICS } from './summary.ts'

export type { SellerRoundColumn } from './files.ts'
export type { Direction, MetricDef, RoundMetric, SellerColumn, SummaryMetric } from './registry.ts'
export { PERSISTENCE_DELTA } from './summary-facts.ts'
/**
 * The one place where every number the kit reports is defined: the registry's tables, by file. bench/METRICS.md
 * is rendered from them (`npm run docs`; a test fails when it is stale), `bench list` prints them, and each
 * column's value function computes it as written, from what its collectors gathered, for every source.
 */
export { ROUND_METRICS, SELLER_COLUMNS, SELLER_ROUND_COLUMNS, SUMMARY_METRICS, THROUGHPUT_KEYS, THROUGHPUT_METRICS }

/** Every result file starts with these; `variant` names a --sweep combination (empty without one). */
export const KEY_COLUMNS = ['algorithm', 'variant', 'scenario', 'seed'] as const

/** rounds.csv and sellers.csv read these besides their metrics' own. */
const FILE_COLLECTORS: readonly CollectorDef[] = [
  roundHistory,
  activeSellers,
  rankingQuality,
  sellerTotals,
  sellerCosts,
]

/** The collectors a set of summary metrics reads, plus those that rounds.csv and sellers.csv need. */
export function collectorsFor(metrics: readonly SummaryMetric[] = SUMMARY_METRICS): CollectorDef[] {
  return collectorsOf([...metrics, ...ROUND_METRICS, ...SELLER_COLUMNS, { uses: FILE_COLLECTORS }])
}

export const SUMMARY_COLUMNS = [...KEY_COLUMNS, ...SUMMARY_METRICS.map((m) => m.name)]
export const THROUGHPUT_COLUMNS = [...KEY_COLUMNS, ...[...THROUGHPUT_KEYS, ...THROUGHPUT_METRICS].map((m) => m.name)]
export const ROUND_COLUMNS = [...KEY_COLUMNS, 'round', ...ROUND_METRICS.map((m) => m.name)]
export const SELLER_FILE_COLUMNS = [...KEY_COLUMNS, ...SELLER_COLUMNS.map((m) => m.name)]
export const SELLER_ROUND_FILE_COLUMNS = [
  ...KEY_COLUMNS,
  'round',
  'seller_id',
  ...SELLER_ROUND_COLUMNS.map((m) => m.name),
]

/** What facts.csv and facts_map.csv say of a fact: the verdict, the margin with its interval, what was measured. */
const FACT_VERDICT_COLUMNS = [
  'holds',
  'margin',
  'margin_ci_low',
  'margin_ci_high',
  'seeds_holding',
  'measured',
] as const

/**
 * facts.csv, written by `bench facts`: one row per fact of seeds/facts.json. margin: how far the check clears, relative
 * (bench/facts/margins.ts), on the means over seeds, with the 95% interval of the per-seed margins' mean and the seeds
 * on which it holds alone; empty for probes and facts that do not apply.
 */
export const FACT_COLUMNS = ['id', 'claim', 'source', 'scope', 'scenario', 'seeds', ...FACT_VERDICT_COLUMNS] as const

/**
 * facts_map.csv, written by `bench facts --vary`: one row per point of the map × fact. scenario: the point's scenario
 * name; changed: the settings that differ from the scenario's own (empty for the base point); settings: every varied
 * setting's value there; the other columns as in facts.csv.
 */
export const FACT_MAP_COLUMNS = ['scenario', 'changed', 'settings', 'seeds', 'id', ...FACT_VERDICT_COLUMNS] as const
