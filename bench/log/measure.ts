import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Row } from '../../core/csv.ts'
import { KIT_ROOT } from '../../core/paths.ts'
import { collectorsFor, type SummaryMetric } from '../metrics/definitions.ts'
import type { ResultRows, RowKeys } from '../metrics/summarize.ts'
import { PositionWeights } from './format.ts'
import { type ProductInfo, readProducts, readSellers, SELLER_ATTRIBUTES, type SellerInfo } from './inputs.ts'
import { openLog } from './read.ts'
import { BlockReplays, LogReplay, logSource } from './replay.ts'
import { LogSessions, type LogShape } from './sessions.ts'
import { LogSpool } from './spool.ts'
import { type LogTables, LogTablesBuilder } from './tables.ts'

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
  /** The summary metrics to compute (default: all of summary.csv). */
  metrics?: readonly SummaryMetric[]
  /** The scenario column of the results (default: the log's name). */
  scenario?: string
  /** 'round': each round is measured on its own, as one replicate (seed = the round), so compare gets intervals. */
  blocks?: 'round'
}

export interface LogMetrics extends Omit<ResultRows, 'summary'> {
  /** One row, or one per block (--blocks round). */
  summary: Row[]
  keys: RowKeys
  /** What was read, for manifest.json. */
  read: Record<string, unknown>
}

/** The log's name: its file name without .csv, .csv.gz, .gz or .parquet. */
export function logName(file: string): string {
  return basename(file).replace(/(\.csv)?(\.gz)?$|\.parquet$/i, '') || basename(file)
}

/** A log read once: who is who (its tables in catalog order), its shape, and its sessions spooled for what follows. */
export interface ScannedLog {
  file: string
  format: string
  tables: LogTables
  shape: LogShape
  /** The sessions, checked, in the log's order (remove() when done). */
  spool: LogSpool
}

/**
 * The one pass over the text: every row checked, the sellers, products and categories gathered
 * (bench/log/tables.ts), every session spooled (bench/log/spool.ts).
 */
export async function scanLog(
  file: string,
  sellers: SellerInfo | null,
  products: ProductInfo | null,
): Promise<ScannedLog> {
  const log = openLog(file)
  const builder = new LogTablesBuilder(sellers, products)
  const spool = new LogSpool()
  try {
    const pass = new LogSessions(
      () => log.where(),
      {
        product: (r, fail) => builder.add(r.product_id!, r.seller_id!, r.category, fail),
        category: (name) => builder.category(name),
        session: (s) => spool.write(s),
      },
      !!products?.category,
    )
    await log.read(pass)
    const shape = pass.finish()
    spool.close()
    return { file, format: log.format, tables: builder.finish(), shape, spool }
  } catch (err) {
    spool.remove()
    throw err
  }
}

/**
 * Reads --sellers and --products, streams the log twice (who is who, then the sessions into the
 * metrics' stream), and computes every result column the inputs define. Throws an InputError naming
 * file, line and column at the first bad row, before anything is written.
 */
export async function measureLog(o: LogMetricsOptions): Promise<LogMetrics> {
  const positionWeights = PositionWeights.parse(o.positionBias)
  const sellers = o.sellers ? readSellers(o.sellers, o.sellersRun, o.name) : null
  const products = o.products ? readProducts(o.products, sellers) : null
  const scanned = await scanLog(o.log, sellers, products)
  const { tables, shape } = scanned
  const weights = Float64Array.from({ length: Math.max(1, shape.maxPosition) }, (_, i) => positionWeights.at(i + 1))
  const name = logName(o.log)
  // seed 0: a log is one observed history, not a seeded draw; `compare` treats it as one sample. With --blocks
  // round, each round is one sample, its seed the round.
  const keysOf = (seed: number): RowKeys => ({
    algorithm: o.name ?? name,
    variant: '',
    scenario: o.scenario ?? name,
    seed,
  })
  const replays = new BlockReplays(keysOf, o.blocks, () => {
    return new LogReplay(logSource(tables, shape, weights, sellers), tables.remap, collectorsFor(o.metrics))
  })
  try {
    for (const s of scanned.spool.read()) replays.at(s.round).session(s)
  } finally {
    scanned.spool.remove()
  }
  const { rankedSessions, ...rows } = replays.rows(o.metrics)
  const keys = keysOf(Number(rows.summary[0].seed))
  const read = {
    log: {
      file: o.log,
      format: scanned.format,
      rows: shape.rows,
      sessions: shape.sessions,
      sessionsWithImpressions: rankedSessions,
      rounds: shape.rounds,
      sellers: tables.sellers.count,
      products: tables.products.count,
      categories: tables.categories.count,
      relevance: shape.hasRelevance,
      propensity: shape.hasPropensity,
    },
    sellers: sellers && {
      file: sellers.file,
      run: sellers.run,
      sellers: sellers.id.length,
      attributes: SELLER_ATTRIBUTES.filter((a) => sellers[attributeKey[a]] !== null),
    },
    products: products && { file: products.file, products: products.id.length, category: products.category !== null },
    positionBias: positionWeights.spec,
    blocks: o.blocks ?? 'none',
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
