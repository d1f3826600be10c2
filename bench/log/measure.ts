import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { KIT_ROOT } from '../../core/paths.ts'
import type { RowKeys } from '../metrics/summarize.ts'
import { PositionWeights } from './format.ts'
import { readProducts, readSellers, SELLER_ATTRIBUTES } from './inputs.ts'
import { type LogRows, logRows } from './metrics.ts'
import { openLog } from './read.ts'
import { LogTally } from './tally.ts'

const ROOT = KIT_ROOT

export interface LogMetricsOptions {
  log: string
  sellers?: string
  /** Which run of a results folder's sellers.csv, as `algorithm[/variant]@seed`. */
  sellersRun?: string
  products?: string
  /** The algorithm key of the result rows; default: the log's name. */
  name?: string
  positionBias: string
}

export interface LogMetrics extends LogRows {
  keys: RowKeys
  /** What was read, for manifest.json. */
  read: Record<string, unknown>
}

/** The log's name: its file name without .csv, .csv.gz, .gz or .parquet. */
export function logName(file: string): string {
  return basename(file).replace(/(\.csv)?(\.gz)?$|\.parquet$/i, '') || basename(file)
}

/**
 * Reads --sellers and --products, streams the log once, and computes every result column the
 * inputs define. Throws an InputError naming file, line and column at the first bad row, before
 * anything is written.
 */
export async function measureLog(o: LogMetricsOptions): Promise<LogMetrics> {
  const weights = PositionWeights.parse(o.positionBias)
  const sellers = o.sellers ? readSellers(o.sellers, o.sellersRun, o.name) : null
  const products = o.products ? readProducts(o.products, sellers) : null
  const source = openLog(o.log)
  const tally = new LogTally(() => source.where(), weights, sellers, products)
  await source.read(tally)
  const totals = tally.finish()
  const name = logName(o.log)
  // seed 0: a log is one observed history, not a seeded draw; `compare` treats it as one sample.
  const keys: RowKeys = { algorithm: o.name ?? name, variant: '', scenario: name, seed: 0 }
  const rows = logRows(keys, { totals, sellers })
  const read = {
    log: {
      file: o.log,
      format: source.format,
      rows: totals.rows,
      sessions: totals.sessions,
      sessionsWithImpressions: totals.shownSessions,
      rounds: totals.rounds.map((r) => r.round),
      sellers: totals.sellers.id.length,
      products: totals.products,
      categories: totals.categories,
      relevance: totals.hasRelevance,
    },
    sellers: sellers && {
      file: sellers.file,
      run: sellers.run,
      sellers: sellers.id.length,
      attributes: SELLER_ATTRIBUTES.filter((a) => sellers[attributeKey[a]] !== null),
    },
    products: products && { file: products.file, products: products.id.length, category: products.category !== null },
    positionBias: weights.spec,
    versions: versions(['csv-parse', 'hyparquet', 'hyparquet-compressors', 'zod']),
  }
  return { ...rows, keys, read }
}

const attributeKey = {
  join_round: 'joinRound',
  size_tier: 'sizeTier',
  archetype: 'archetype',
  active_at_end: 'activeAtEnd',
} as const

function versions(libraries: string[]): Record<string, string> {
  const version = (dir: string) => JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')).version as string
  return {
    node: process.version,
    trafficbench: version(ROOT),
    ...Object.fromEntries(libraries.map((l) => [l, version(resolve(ROOT, 'node_modules', l))])),
  }
}
