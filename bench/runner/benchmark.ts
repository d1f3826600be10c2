import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Catalog } from '../../datasets/catalog.ts'
import { generateCatalog } from '../../datasets/generate.ts'
import { importCatalog } from '../../datasets/import.ts'
import { ImpressionLogWriter, impressionLogName } from '../log/write.ts'
import { runMarket } from '../market/run.ts'
import { defineCollector } from '../market/types.ts'
import { collectorsFor } from '../metrics/definitions.ts'
import { ROUND_COLUMNS, SELLER_FILE_COLUMNS, SUMMARY_COLUMNS, THROUGHPUT_COLUMNS } from '../metrics/definitions.ts'
import type { PluginRun } from './params.ts'
import { renderReport } from '../report/html.ts'
import { toCsv } from './results.ts'
import type { Scenario } from './scenario.ts'
import { roundRows, sellerRows, summaryRow, type Row } from '../metrics/summarize.ts'
import { throughputRow } from './throughput.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** Sessions of the last round replayed by the throughput benchmark. */
const CAPTURED_SESSIONS = 200
/** Sessions simulated on a throwaway copy before each timed run: JIT warm-up stays out of sessions_per_sec (assumption: enough for V8 to optimise the hot path). */
const WARMUP_SESSIONS = 2000

export interface BenchmarkConfig {
  scenario: Scenario
  /** The --scenario argument as given (a preset name or a path). */
  scenarioRef: string
  plugins: (PluginRun & { source: string })[]
  seeds: number[]
  catalogDir?: string
  /** tinybench's time budget per plugin and seed for rank() throughput, in ms (0 = skip). */
  benchTimeMs: number
  onProgress?: (sessions: number) => void
  /** What the benchmark is doing now, for a progress display ("amazon seed 2: simulating"). */
  onStage?: (stage: string) => void
  /** Write each run's impression log (bench/log/write.ts) into this folder. */
  logDir?: string
}

export interface BenchmarkResult {
  summary: Row[]
  rounds: Row[]
  sellers: Row[]
  throughput: Row[]
  /** Impression logs written, by file name → path (with logDir). */
  logs: Record<string, string>
}

export function seedList(scenario: Scenario, count: number): number[] {
  return Array.from({ length: count }, (_, i) => scenario.seed + i)
}

export function totalSessions(config: Pick<BenchmarkConfig, 'scenario' | 'plugins' | 'seeds'>): number {
  return config.seeds.length * config.plugins.length * config.scenario.market.rounds * config.scenario.market.sessionsPerRound
}

/** A collector that hands every session to an impression log writer. */
function impressionLog(log: ImpressionLogWriter) {
  return defineCollector<null>({ name: 'impression-log', create: () => ({ session: (o) => log.write(o), result: () => null }) })
}

/** Every plugin over every seed's market; each run starts from a fresh copy of the same catalog. */
export async function runBenchmark(config: BenchmarkConfig): Promise<BenchmarkResult> {
  const { scenario } = config
  const result: BenchmarkResult = { summary: [], rounds: [], sellers: [], throughput: [], logs: {} }
  const collectors = collectorsFor()
  for (const seed of config.seeds) {
    const catalog: Catalog = config.catalogDir
      ? importCatalog(config.catalogDir, scenario.catalog, seed)
      : generateCatalog(scenario.catalog, seed, scenario.market.rounds)
    for (const { plugin, params, variant } of config.plugins) {
      const label = `${plugin.name}${variant ? ` (${variant})` : ''} seed ${seed}`
      config.onStage?.(`${label}: simulating`)
      const name = impressionLogName(plugin.name, variant, seed)
      const log = config.logDir ? new ImpressionLogWriter(join(config.logDir, name), catalog) : null
      const logging = log ? [impressionLog(log)] : []
      let outcome
      try {
        outcome = runMarket({ plugin, params, market: scenario.market, catalog, seed, collectors: [...collectors, ...logging], capture: CAPTURED_SESSIONS, warmupSessions: config.benchTimeMs > 0 ? WARMUP_SESSIONS : 0, onProgress: config.onProgress })
      } catch (err) {
        log?.abort()
        throw err
      }
      if (log) {
        log.close()
        result.logs[name] = join(config.logDir!, name)
      }
      const keys = { algorithm: plugin.name, variant, scenario: scenario.name, seed }
      result.summary.push(summaryRow(keys, outcome, catalog))
      result.rounds.push(...roundRows(keys, outcome, catalog))
      result.sellers.push(...sellerRows(keys, outcome, catalog))
      config.onStage?.(`${label}: measuring rank() throughput`)
      result.throughput.push(await throughputRow(keys, outcome, scenario.market.slots, config.benchTimeMs))
    }
  }
  return result
}

/** The results folder's files, by name; report.html is built from the others' text (and extra files such as facts.csv), as `bench report` does. */
export function resultFiles(result: BenchmarkResult, manifest: object, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {
    ...extra,
    'summary.csv': toCsv(SUMMARY_COLUMNS, result.summary),
    'rounds.csv': toCsv(ROUND_COLUMNS, result.rounds),
    'sellers.csv': toCsv(SELLER_FILE_COLUMNS, result.sellers),
    'throughput.csv': toCsv(THROUGHPUT_COLUMNS, result.throughput),
    'manifest.json': JSON.stringify(manifest, null, 2) + '\n',
  }
  return { ...files, 'report.html': renderReport(files) }
}

/** A results folder's default name: results/NAME-YYYYMMDD-HHMMSS (UTC). */
export function defaultResultsDir(name: string, started: Date): string {
  return `results/${name}-${started.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`
}

/** What produced a results folder. Only `timing` (from `started` to now) differs between two runs of the same command. */
export function buildManifest(config: BenchmarkConfig, commandLine: string[], started: Date): object {
  const finished = new Date()
  const timing = { startedAt: started.toISOString(), finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime() }
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
    catalog: config.catalogDir ? { imported: config.catalogDir } : 'generated',
    algorithms: config.plugins.map(({ plugin, params, variant, source }) => ({ name: plugin.name, variant, summary: plugin.summary, claims: plugin.claims, source, params })),
    versions,
    timing,
  }
}
