import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Catalog } from '../../core/catalog.ts'
import { type Row, toCsv } from '../../core/csv.ts'
import { KIT_ROOT } from '../../core/paths.ts'
import { impressionLogName } from '../log/write.ts'
import {
  ROUND_COLUMNS,
  SELLER_FILE_COLUMNS,
  SELLER_ROUND_FILE_COLUMNS,
  SUMMARY_COLUMNS,
  THROUGHPUT_COLUMNS,
} from '../metrics/definitions.ts'
import { renderReport } from '../report/html.ts'
import type { CellRows } from './cells/cell.ts'
import { longestFirst, readCellTimes, recordCellTimes } from './cells/dispatch.ts'
import { type CellFailure, defaultCellTimeout, defaultWorkers, runCells } from './cells/pool.ts'
import { cellDigests, writtenKey } from './folder/cell-digest.ts'
import type { CellStore } from './folder/store.ts'
import { buildPlan, type Cell, type CellSpec, type Plan, type PlanInput, planHash } from './plan/plan.ts'
import type { Scenario } from './plan/scenario.ts'
import { type Shard, shardCells } from './plan/shard.ts'

const ROOT = KIT_ROOT

export interface BenchmarkConfig extends PlanInput {
  /** The --scenario argument as given (a preset name or a path). */
  scenarioRef: string
  /** What the importer read from catalogDir (files, rows, defaulted columns), for the manifest. */
  importedCatalog?: Catalog['imported']
  /** Worker threads at once (default: the machine's available parallelism). */
  workers?: number
  /** A cell's time limit in ms (default: defaultCellTimeout). */
  cellTimeoutMs?: number
  /** A cell's heap limit in MB (default: see PoolOptions.heapMb). */
  cellMemoryMb?: number
  /** Run only this share of the plan. */
  shard?: Shard
  /** Finished cells saved here, and found here again by a rerun. */
  store?: CellStore
  /** With writeLog and no store: the folder the impression logs go to. */
  logDir?: string
  onProgress?: (sessions: number) => void
  /** What the run is doing now, for a progress display: cells done, cells running. */
  onStage?: (stage: string) => void
}

export interface BenchmarkResult {
  summary: Row[]
  rounds: Row[]
  sellers: Row[]
  throughput: Row[]
  /** seller_rounds.csv's records, a text per cell in plan order; absent unless asked for (--seller-rounds). */
  sellerRounds?: string[]
  /** Impression logs written, by file name → path. */
  logs: Record<string, string>
  plan: Plan
  /** The cells this process was given (the shard's, or all). */
  cells: CellSpec[]
  failures: CellFailure[]
  /** What the run should say about its cells besides failures (a plugin that called Math.random). */
  warnings: string[]
  /** Cells found finished in the store, not run again. */
  reused: number
}

export function seedList(scenario: Scenario, count: number): number[] {
  return Array.from({ length: count }, (_, i) => scenario.seed + i)
}

export function totalSessions(config: Pick<BenchmarkConfig, 'scenario' | 'plugins' | 'seeds'>): number {
  return (
    config.seeds.length *
    config.plugins.length *
    config.scenario.market.rounds *
    config.scenario.market.sessionsPerRound
  )
}

/**
 * Every plugin over every seed's market, as independent cells run in worker threads. Rows are
 * assembled in plan order, so the files are the same whatever the workers, the order in which
 * cells are dispatched (longest first, from earlier runs' times) or finish, or which of them a
 * rerun found already done.
 */
export async function runBenchmark(config: BenchmarkConfig): Promise<BenchmarkResult> {
  const plan = buildPlan(config)
  const cells = config.shard ? shardCells(plan.specs, config.shard) : plan.specs
  const { store } = config
  if (config.writeLog)
    for (const spec of cells) spec.logPath = store ? store.logPath(spec) : join(config.logDir!, logName(spec))
  const finished = store?.finished(cells) ?? new Map<number, CellRows>()
  const todo = cells.filter((s) => !finished.has(s.cell.index))
  const running = new Map<number, string>()
  const stage = () => {
    const now = [...running.values()]
    const current = now.length ? ` · ${now.slice(0, 2).join(', ')}${now.length > 2 ? ', …' : ''}` : ''
    config.onStage?.(`${finished.size}/${cells.length} cells done${current}`)
  }
  const reused = finished.size
  if (reused) config.onProgress?.(reused * config.scenario.market.rounds * config.scenario.market.sessionsPerRound)
  stage()
  const startedAt = new Map<number, number>()
  const timed: { spec: CellSpec; seconds: number }[] = []
  const failures = await runCells(longestFirst(todo, readCellTimes()), {
    workers: config.workers ?? defaultWorkers(),
    timeoutMs: (spec) => config.cellTimeoutMs ?? defaultCellTimeout(spec),
    heapMb: config.cellMemoryMb,
    onProgress: config.onProgress,
    onStart: (spec) => {
      startedAt.set(spec.cell.index, performance.now())
      running.set(
        spec.cell.index,
        `${spec.cell.algorithm}${spec.cell.variant ? ` (${spec.cell.variant})` : ''} seed ${spec.cell.seed}`,
      )
      stage()
    },
    onDone: (spec, rows) => {
      timed.push({ spec, seconds: (performance.now() - startedAt.get(spec.cell.index)!) / 1000 })
      store?.save(spec, rows)
      finished.set(spec.cell.index, rows)
      running.delete(spec.cell.index)
      stage()
    },
    onFailed: (failure) => {
      running.delete(failure.spec.cell.index)
      stage()
    },
  })
  recordCellTimes(timed)
  const result: BenchmarkResult = {
    summary: [],
    rounds: [],
    sellers: [],
    throughput: [],
    ...(config.sellerRounds && { sellerRounds: [] }),
    logs: {},
    plan,
    cells,
    failures,
    reused,
    warnings: [],
  }
  for (const spec of cells) {
    const rows = finished.get(spec.cell.index)
    if (!rows) continue
    result.summary.push(rows.summary)
    result.rounds.push(...rows.rounds)
    result.sellers.push(...rows.sellers)
    result.throughput.push(...rows.throughput)
    result.sellerRounds?.push(rows.sellerRounds ?? '')
    if (spec.logPath) result.logs[logName(spec)] = spec.logPath
    if (rows.mathRandomCalls)
      result.warnings.push(
        `${spec.cell.id}: the plugin called Math.random ${rows.mathRandomCalls.toLocaleString('en-US')} times; ` +
          "its rows will not be the same in another run (draw from the context's seeded rng)",
      )
  }
  return result
}

/** Several runs' results as one (bench facts runs a scenario and its overlays): rows and cells in the order given. */
export function combineResults(results: readonly BenchmarkResult[]): BenchmarkResult {
  const specs = results.flatMap((r) => r.plan.specs)
  return {
    summary: results.flatMap((r) => r.summary),
    rounds: results.flatMap((r) => r.rounds),
    sellers: results.flatMap((r) => r.sellers),
    throughput: results.flatMap((r) => r.throughput),
    ...(results.some((r) => r.sellerRounds) && { sellerRounds: results.flatMap((r) => r.sellerRounds ?? []) }),
    logs: Object.assign({}, ...results.map((r) => r.logs)),
    plan: { hash: planHash(specs), identity: results.map((r) => r.plan.identity).join(), specs },
    cells: results.flatMap((r) => r.cells),
    failures: results.flatMap((r) => r.failures),
    reused: results.reduce((n, r) => n + r.reused, 0),
    warnings: results.flatMap((r) => r.warnings),
  }
}

const logName = ({ cell }: CellSpec) => impressionLogName(cell.algorithm, cell.variant, cell.seed)

/** errors.csv: one row a failed cell. */
export const ERROR_COLUMNS = ['algorithm', 'variant', 'scenario', 'seed', 'round', 'cell', 'reason'] as const
export function errorRows(failures: readonly CellFailure[]): Row[] {
  return failures.map(({ spec: { cell }, round, reason }) => ({
    algorithm: cell.algorithm,
    variant: cell.variant,
    scenario: cell.scenario,
    seed: cell.seed,
    round,
    cell: cell.id,
    reason,
  }))
}

/**
 * The results folder's files, by name; report.html is built from the others' text (and extra files such as facts.csv),
 * as `bench report` does.
 */
export function resultFiles(
  result: BenchmarkResult,
  manifest: object,
  extra: Record<string, string> = {},
): Record<string, string> {
  const files: Record<string, string> = {
    ...extra,
    'summary.csv': toCsv(SUMMARY_COLUMNS, result.summary),
    'rounds.csv': toCsv(ROUND_COLUMNS, result.rounds),
    'sellers.csv': toCsv(SELLER_FILE_COLUMNS, result.sellers),
    'throughput.csv': toCsv(THROUGHPUT_COLUMNS, result.throughput),
    ...(result.sellerRounds && {
      'seller_rounds.csv': toCsv(SELLER_ROUND_FILE_COLUMNS, []) + result.sellerRounds.join(''),
    }),
    ...(result.failures.length ? { 'errors.csv': toCsv(ERROR_COLUMNS, errorRows(result.failures)) } : {}),
  }
  // Each finished cell's rows as written get their digest (folder/cell-digest.ts): merge checks them.
  const plan = (manifest as { plan?: { cells: (Cell & { status: string; digest?: string })[] } }).plan
  if (plan) {
    const digests = cellDigests(files, plan.cells)
    for (const cell of plan.cells) if (cell.status === 'done') cell.digest = digests.get(writtenKey(cell))
  }
  files['manifest.json'] = `${JSON.stringify(manifest, null, 2)}\n`
  return { ...files, 'report.html': renderReport(files) }
}

/** A results folder's default name: results/NAME-YYYYMMDD-HHMMSS (UTC). */
export function defaultResultsDir(name: string, started: Date): string {
  return `results/${name}-${started.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`
}

/**
 * What produced a results folder. Only `timing` (from `started` to now) differs between two runs of the same command.
 */
export function buildManifest(
  config: BenchmarkConfig,
  commandLine: string[],
  started: Date,
  result?: BenchmarkResult,
): object {
  const finished = new Date()
  const timing = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
  }
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'))
  const versions: Record<string, string> = { node: process.version, trafficbench: pkg.version }
  for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) {
    try {
      versions[dep] = JSON.parse(readFileSync(resolve(ROOT, 'node_modules', dep, 'package.json'), 'utf8')).version
    } catch {
      versions[dep] = 'unknown'
    }
  }
  return {
    command: ['bench', ...commandLine].join(' '),
    scenario: { ref: config.scenarioRef, ...config.scenario },
    seeds: config.seeds,
    catalog: config.catalogDir ? { imported: config.catalogDir, ...config.importedCatalog } : 'generated',
    algorithms: config.plugins.map(({ name, params, variant, source, summary, claims }) => ({
      name,
      variant,
      summary,
      claims,
      source,
      params,
    })),
    rules: rulesRecord(config),
    // What the folder holds besides the files every run writes; throughput.csv's rows per cell.
    sellerRounds: !!config.sellerRounds,
    sealed: !!config.sealed,
    repeat: config.repeat ?? 1,
    ...(result && {
      plan: planRecord(result),
      ...(config.shard && { shard: config.shard }),
      repricing: repricingRecord(result),
    }),
    versions,
    timing,
  }
}

/** The platform rules each run was simulated under (planned-run.ts probes them) and whose platform() set them. */
const rulesRecord = (config: PlanInput) =>
  config.plugins.map(({ name, variant, rules }) => ({ algorithm: name, variant, ...rules }))

/** What the sellers' fee pricing did before round 0 (market.feePricing), per cell: summary.csv's repricing columns. */
function repricingRecord(result: BenchmarkResult) {
  return result.summary.map((r) => ({
    cell: `${r.scenario}/${r.algorithm}${r.variant ? `[${r.variant}]` : ''}/seed${r.seed}`,
    offers: r.repriced_offers,
    share: r.repriced_offer_share,
    meanRatio: r.mean_repricing_ratio,
    maxRatio: r.max_repricing_ratio,
  }))
}

/** The plan in the manifest: every cell with its hash and what became of it here (merge reads this). */
function planRecord(result: BenchmarkResult) {
  const failed = new Map(result.failures.map((f) => [f.spec.cell.index, f.reason]))
  const here = new Set(result.cells.map((s) => s.cell.index))
  return {
    hash: result.plan.hash,
    cells: result.plan.specs.map(({ cell }) => ({
      ...cell,
      status: !here.has(cell.index) ? 'other shard' : failed.has(cell.index) ? 'failed' : 'done',
    })),
  }
}
