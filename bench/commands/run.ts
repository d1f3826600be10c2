import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Row } from '../../core/csv.ts'
import { importCatalog } from '../../datasets/import.ts'
import { expandRuns, refuseMeaninglessParams } from '../plugins/params.ts'
import { loadRegistry, selectPlugins } from '../plugins/registry.ts'
import { formatTable, meanBy } from '../report/table.ts'
import {
  type BenchmarkConfig,
  type BenchmarkResult,
  buildManifest,
  defaultResultsDir,
  resultFiles,
  runBenchmark,
  seedList,
  totalSessions,
} from '../runner/benchmark.ts'
import { defaultWorkers } from '../runner/cells/pool.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import { CellStore } from '../runner/folder/store.ts'
import { checkPlan, estimatePlan, planSize } from '../runner/plan/estimate.ts'
import { buildPlan } from '../runner/plan/plan.ts'
import { loadScenario, presetNames } from '../runner/plan/scenario.ts'
import { parseShard, type Shard } from '../runner/plan/shard.ts'
import { collect, formatOption, GatesFailed, list, nonNegativeInt, positiveInt, progressBar } from './options.ts'

interface RunOptions {
  algorithms?: string[]
  scenario: string
  seeds: number
  rounds?: number
  sessions?: number
  param: string[]
  sweep: string[]
  plugin: string[]
  catalog?: string
  out?: string
  benchTime: number
  format: 'table' | 'json'
  quiet?: boolean
  writeLog?: boolean
  workers?: number
  cellTimeout?: number
  cellMemory?: number
  shard?: string
  restart?: boolean
}

const COLUMNS = [
  'run',
  'gini_exposure',
  'new_seller_exposure_share',
  'seller_survival_rate',
  'conversion_rate',
  'sponsored_impression_share',
  'avg_cpc',
  'take_rate',
  'gmv',
  'sessions_per_sec',
]

async function runCommand(opts: RunOptions): Promise<void> {
  const started = new Date()
  const scenario = loadScenario(opts.scenario)
  if (opts.rounds !== undefined) scenario.market.rounds = opts.rounds
  if (opts.sessions !== undefined) scenario.market.sessionsPerRound = opts.sessions
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard)
  const registry = await loadRegistry(opts.plugin)
  const selected = selectPlugins(registry, opts.algorithms)
  // A plugin file given but left out by --algorithms would otherwise be loaded and never run, without a word.
  for (const { plugin, file } of registry.values())
    if (opts.plugin.includes(file) && !selected.some((s) => s.file === file))
      process.stderr.write(
        `bench: warning: --plugin ${file} defines "${plugin.name}", which --algorithms does not name: it does ` +
          `not run\n`,
      )
  const plugins = expandRuns(
    selected.map((s) => s.plugin),
    opts.param,
    opts.sweep,
  ).map((run) => {
    const { file } = selected.find((s) => s.plugin === run.plugin)!
    return { ...run, source: file, file: opts.plugin.includes(file) ? resolve(file) : undefined }
  })
  refuseMeaninglessParams(plugins, scenario.market.slots)
  // Everything that can be refused is refused here, before a session is simulated.
  const imported = opts.catalog ? importCatalog(opts.catalog, scenario.catalog, scenario.seed) : undefined
  // An imported catalog's own name labels the rows and the folder instead of the preset's.
  if (imported?.name) scenario.name = imported.name
  const estimate = estimatePlan(
    [
      planSize(scenario, {
        runs: plugins.length,
        seeds: opts.seeds,
        benchTimeMs: opts.benchTime,
        catalogDir: opts.catalog,
      }),
    ],
    opts.workers ?? defaultWorkers(),
  )
  const notice = checkPlan(estimate)
  const out = claimResultsFolder(opts.out ?? defaultResultsDir(scenario.name, started), estimate.outputBytes)
  if (notice) process.stderr.write(`${notice}\n`)

  const config: BenchmarkConfig = {
    scenario,
    scenarioRef: opts.scenario,
    plugins,
    seeds: seedList(scenario, opts.seeds),
    catalogDir: opts.catalog,
    importedCatalog: imported?.imported,
    benchTimeMs: opts.benchTime,
    writeLog: opts.writeLog,
    workers: opts.workers,
    cellTimeoutMs: opts.cellTimeout === undefined ? undefined : opts.cellTimeout * 1000,
    cellMemoryMb: opts.cellMemory,
    shard,
  }
  let result: BenchmarkResult
  let store: CellStore | undefined
  try {
    store = CellStore.open(
      resolve(out.path),
      buildPlan(config),
      ['bench', ...process.argv.slice(2)].join(' '),
      !!opts.restart,
    )
    result = await runWithProgress({ ...config, store }, opts.quiet)
    // Logs are copied while failed cells keep the store (and their logs) for the rerun; moved otherwise.
    const keep = result.failures.length > 0
    const logs = Object.fromEntries(
      Object.entries(result.logs).map(([name, path]) => [name, keep ? { copyFrom: path } : { moveFrom: path }]),
    )
    out.write({ ...resultFiles(result, buildManifest(config, process.argv.slice(2), started, result)), ...logs })
    if (!keep) store.remove()
  } finally {
    out.release()
  }
  printSummary(opts, shard, result, out.path, started)
  if (result.failures.length) {
    if (process.argv.includes('--debug'))
      for (const f of result.failures) if (f.stack) process.stderr.write(`${f.spec.cell.id}: ${f.stack}\n`)
    const names = result.failures.map((f) => `${f.spec.cell.id} (round ${f.round}: ${f.reason})`)
    throw new GatesFailed(
      `bench: ${result.failures.length} of ${result.cells.length} cells failed, the others were written ` +
        `(errors.csv lists them; rerun the same command to retry only these): ${names.join('; ')}`,
    )
  }
}

/** runBenchmark with a progress bar on stderr: sessions, cells done and running, sessions per second. */
async function runWithProgress(config: BenchmarkConfig, quiet: boolean | undefined): Promise<BenchmarkResult> {
  const bar = progressBar(quiet)
  const started = Date.now()
  let done = 0
  let stage = 'starting'
  const rate = () =>
    `${Math.round(done / Math.max(1e-3, (Date.now() - started) / 1000)).toLocaleString('en-US')} sessions/s`
  bar?.start(totalSessions(config), 0, { stage })
  try {
    return await runBenchmark({
      ...config,
      onProgress: (n) => {
        done += n
        bar?.increment(n, { stage: `${stage} · ${rate()}` })
      },
      onStage: (now) => {
        stage = now
        bar?.update({ stage: `${stage} · ${rate()}` })
      },
    })
  } finally {
    bar?.stop()
  }
}

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

function printSummary(
  opts: RunOptions,
  shard: Shard | undefined,
  result: BenchmarkResult,
  path: string,
  started: Date,
): void {
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
  if (opts.format === 'json') {
    const table = rows.map((row) => ({
      algorithm: row.algorithm,
      variant: row.variant,
      ...Object.fromEntries(COLUMNS.slice(1).map((c) => [c, row[c] ?? null])),
    }))
    process.stdout.write(
      `${JSON.stringify(
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
      )}\n`,
    )
    return
  }
  const shardNote = shard ? `, shard ${shard.index}/${shard.count}: ${cells.here} of ${cells.planned} cells` : ''
  const reused = cells.reused ? `, ${cells.reused} cell(s) reused from the interrupted run` : ''
  process.stdout.write(
    `${scenario}: ${rows.length} runs × ${new Set(result.summary.map((r) => r.seed)).size} seed(s), means over ` +
      `seeds${shardNote}${reused}\n\n`,
  )
  process.stdout.write(`${formatTable(COLUMNS, rows)}\n\n`)
  process.stdout.write(`${repricingLine(rows)}\n\n`)
  process.stdout.write(
    `Results in ${path}/ (summary.csv, rounds.csv, sellers.csv, throughput.csv, manifest.json, ` +
      `report.html${cells.failed ? ', errors.csv' : ''}); ${seconds.toFixed(1)} s\n`,
  )
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run algorithms over a scenario and write a results folder')
    .option('--algorithms <list>', 'comma-separated algorithm names, each once (default: all)', list)
    .option('--scenario <name|path>', `a preset (${presetNames().join(', ')}) or a scenario JSON file`, 'default')
    .option('--seeds <n>', 'number of seeds, from the scenario seed upwards', positiveInt, 1)
    .option('--rounds <n>', 'override the scenario rounds', positiveInt)
    .option('--sessions <n>', 'override sessions per round', positiveInt)
    .option('--param <algo.key=value>', 'set a plugin parameter (repeatable)', collect, [])
    .option(
      '--sweep <algo.key=v1,v2>',
      'run each listed value as a variant; several sweeps of one plugin run their cartesian product (repeatable)',
      collect,
      [],
    )
    .option(
      '--plugin <path>',
      'load a plugin file beside the built-ins: .mts/.mjs anywhere, .ts/.js inside an ES-module package (repeatable)',
      collect,
      [],
    )
    .option('--catalog <dir>', 'use DIR/sellers.csv and DIR/products.csv instead of a generated catalog')
    .option(
      '--out <dir>',
      'results folder: a new or empty folder, or one an earlier run wrote (replaced); an interrupted run there ' +
        'resumes; default results/SCENARIO-TIMESTAMP',
    )
    .option(
      '--bench-time <ms>',
      'tinybench time budget per algorithm and seed for rank() throughput',
      nonNegativeInt,
      300,
    )
    .addOption(formatOption('table', 'json'))
    .option(
      '--write-log',
      "also write each run's impression log (impressions-ALGO-seedN.csv.gz; " +
        'format in README "Measure your own traffic")',
    )
    .option(
      '--workers <n>',
      `worker threads running cells at once (default: ${defaultWorkers()}, this machine's available parallelism)`,
      positiveInt,
    )
    .option(
      '--cell-timeout <s>',
      "a cell's time limit in seconds (default: 60 + 1 ms a session + the throughput budget)",
      positiveInt,
    )
    .option(
      '--cell-memory <MB>',
      "a cell's heap limit (default: V8's heap limit, or the machine's memory shared among the workers if less)",
      positiveInt,
    )
    .option(
      '--shard <I/N|auto>',
      'run only shard I (from 0) of N of the cells; auto reads SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX ' +
        'or AWS_BATCH_JOB_ARRAY_INDEX (auto/N gives the count); join shards with bench merge',
    )
    .option('--restart', 'discard the finished cells of an interrupted run at --out and start over')
    .option('--quiet', 'no progress bar')
    .action(runCommand)
}
