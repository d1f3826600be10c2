import type { Row } from '../../core/csv.ts'
import type { Measured } from '../market/stream.ts'
import { roundHistory } from './collectors/rounds.ts'
import { ROUND_METRICS, SELLER_COLUMNS, SUMMARY_METRICS } from './definitions.ts'
import { type EmptyColumn, Evaluation, type SummaryMetric } from './registry.ts'

export { emptyIfNaN } from './registry.ts'

export interface RowKeys {
  algorithm: string
  variant: string
  scenario: string
  seed: number
}

/** summary.csv, rounds.csv and sellers.csv rows of one source's run, and the columns it leaves empty. */
export interface ResultRows {
  summary: Row
  rounds: Row[]
  sellers: Row[]
  empty: EmptyColumn[]
}

/**
 * Every result row of one run, from what its source left (a simulation, a log, log-driven sessions),
 * each value as bench/metrics defines it; a column whose facets the source lacks is empty.
 */
export function resultRows(
  keys: RowKeys,
  measured: Measured,
  metrics: readonly SummaryMetric[] = SUMMARY_METRICS,
): ResultRows {
  const e = new Evaluation(measured)
  return {
    summary: summaryOf(keys, e, metrics),
    rounds: measured.collected.get(roundHistory).map((record) => ({
      ...keys,
      round: record.round,
      ...e.row(ROUND_METRICS, (m) => m.value({ ...e.inputs, record })),
    })),
    sellers: Array.from({ length: measured.source.tables.sellers.count }, (_, s) => ({
      ...keys,
      ...e.row(SELLER_COLUMNS, (m) => m.value(e.inputs, s)),
    })),
    empty: [
      ...e.empty('summary.csv', metrics),
      ...e.empty('rounds.csv', ROUND_METRICS),
      ...e.empty('sellers.csv', SELLER_COLUMNS),
    ],
  }
}

/** summary.csv's row for one run. */
export function summaryRow(
  keys: RowKeys,
  measured: Measured,
  metrics: readonly SummaryMetric[] = SUMMARY_METRICS,
): Row {
  return summaryOf(keys, new Evaluation(measured), metrics)
}

const summaryOf = (keys: RowKeys, e: Evaluation, metrics: readonly SummaryMetric[]): Row => ({
  ...keys,
  ...e.row(metrics, (m) => m.value(e.inputs)),
})
