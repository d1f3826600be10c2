import type { Row } from '../../core/csv.ts'
import { HEADLINE } from '../report/report-rows.ts'
import { formatTable, meanBy } from '../report/table.ts'
import type { BenchmarkResult } from './benchmark.ts'
import type { Shard } from './plan/shard.ts'

/** The columns `bench run` prints, means over seeds. */
const COLUMNS = ['run', ...HEADLINE, 'sessions_per_sec']

/**
 * Fee pricing made visible: which runs' sellers raised prices before round 0, how many and by how much (means over
 * seeds).
 */
function repricingLine(rows: Row[]): string {
  const repriced = rows.filter((r) => Number(r.repriced_offers) > 0)
  if (repriced.length === 0) return 'No seller raised a price to cover platform fees before round 0.'
  const n = (v: unknown, digits: number) => Number(v).toLocaleString('en-US', { maximumFractionDigits: digits })
  const each = repriced.map(
    (r) =>
      `${r.run} ${n(r.repriced_offers, 0)} (${n(Number(r.repriced_offer_share) * 100, 1)}% of offers, ` +
      `×${n(r.mean_repricing_ratio, 2)} on average, up to ×${n(r.max_repricing_ratio, 2)})`,
  )
  return (
    `Offers repriced by their sellers to cover platform fees before round 0 (market.feePricing): ` +
    `${each.join('; ')}${repriced.length < rows.length ? '; none under the others' : ''}.`
  )
}

/** What `bench run` prints when it is done: means over seeds (table or JSON), fee repricing, where the files are. */
export function runSummary(
  format: string,
  shard: Shard | undefined,
  result: BenchmarkResult,
  path: string,
  started: Date,
): string {
  const label = (r: Row) => ({ ...r, run: r.variant ? `${r.algorithm} (${r.variant})` : r.algorithm })
  const throughput = meanBy(result.throughput.map(label), 'run')
  const rows = meanBy(result.summary.map(label), 'run').map((row) => ({
    ...row,
    ...throughput.find((t) => t.run === row.run),
  }))
  const seconds = (Date.now() - started.getTime()) / 1000
  const scenario = result.plan.specs[0].scenario.name
  const cells = {
    planned: result.plan.specs.length,
    here: result.cells.length,
    reused: result.reused,
    failed: result.failures.length,
  }
  if (format === 'json') {
    const table = rows.map((row) => ({
      algorithm: row.algorithm,
      variant: row.variant,
      ...Object.fromEntries(COLUMNS.slice(1).map((c) => [c, row[c] ?? null])),
    }))
    return `${JSON.stringify(
      {
        scenario,
        runs: new Set(result.plan.specs.map((s) => s.cell.id.replace(/\/seed\d+$/, ''))).size,
        seeds: [...new Set(result.plan.specs.map((s) => s.cell.seed))],
        cells,
        results: path,
        seconds,
        rows: table,
      },
      null,
      2,
    )}\n`
  }
  const shardNote = shard ? `, shard ${shard.index}/${shard.count}: ${cells.here} of ${cells.planned} cells` : ''
  const reused = cells.reused ? `, ${cells.reused} cell(s) reused from the interrupted run` : ''
  const seeds = new Set(result.summary.map((r) => r.seed)).size
  return (
    `${scenario}: ${rows.length} runs × ${seeds} seed(s), means over seeds${shardNote}${reused}\n\n` +
    `${formatTable(COLUMNS, rows)}\n\n${repricingLine(rows)}\n\n` +
    `Results in ${path}/ (summary.csv, rounds.csv, sellers.csv, throughput.csv, ` +
    `${result.sellerRounds ? 'seller_rounds.csv, ' : ''}manifest.json, ` +
    `report.html${cells.failed ? ', errors.csv' : ''}); ${seconds.toFixed(1)} s\n`
  )
}
