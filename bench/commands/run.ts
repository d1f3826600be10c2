import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { loadRegistry, selectPlugins } from '../../algorithms/kit/registry.ts'
import { refuseMeaninglessParams } from '../../algorithms/kit/validate.ts'
import { InputError } from '../../datasets/errors.ts'
import { PluginOutputError } from '../market/types.ts'
import type { Row } from '../metrics/summarize.ts'
import { formatTable, meanBy } from '../report/table.ts'
import { buildManifest, defaultResultsDir, resultFiles, runBenchmark, seedList, totalSessions, type BenchmarkResult } from '../runner/benchmark.ts'
import { checkPlan, estimatePlan, planSize } from '../runner/estimate.ts'
import { claimResultsFolder } from '../runner/out-dir.ts'
import { expandRuns } from '../runner/params.ts'
import { loadScenario, presetNames } from '../runner/scenario.ts'
import { collect, formatOption, list, nonNegativeInt, positiveInt, progressBar } from './options.ts'

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
}

const COLUMNS = ['run', 'gini_exposure', 'new_seller_exposure_share', 'seller_survival_rate', 'conversion_rate', 'sponsored_impression_share', 'avg_cpc', 'take_rate', 'gmv', 'sessions_per_sec']

async function runCommand(opts: RunOptions): Promise<void> {
  const started = new Date()
  const scenario = loadScenario(opts.scenario)
  if (opts.rounds !== undefined) scenario.market.rounds = opts.rounds
  if (opts.sessions !== undefined) scenario.market.sessionsPerRound = opts.sessions
  const selected = selectPlugins(await loadRegistry(opts.plugin), opts.algorithms)
  const source = new Map(selected.map((s) => [s.plugin.name, s.file]))
  const plugins = expandRuns(selected.map((s) => s.plugin), opts.param, opts.sweep).map((run) => ({ ...run, source: source.get(run.plugin.name)! }))
  refuseMeaninglessParams(plugins, scenario.market.slots)
  // Everything that can be refused is refused here, before a session is simulated.
  const estimate = estimatePlan([planSize(scenario, { runs: plugins.length, seeds: opts.seeds, benchTimeMs: opts.benchTime, catalogDir: opts.catalog })])
  const notice = checkPlan(estimate)
  const out = claimResultsFolder(opts.out ?? defaultResultsDir(scenario.name, started), estimate.outputBytes)
  if (notice) process.stderr.write(`${notice}\n`)

  // Logs are written beside the folder while the run goes, then moved into it with the other files.
  const logDir = opts.writeLog ? `${resolve(out.path)}.partial-${process.pid}-logs` : undefined
  if (logDir) mkdirSync(logDir, { recursive: true })
  const config = { scenario, scenarioRef: opts.scenario, plugins, seeds: seedList(scenario, opts.seeds), catalogDir: opts.catalog, benchTimeMs: opts.benchTime, logDir }
  let result: BenchmarkResult
  try {
    const bar = progressBar(opts.quiet)
    let stage = 'generating the market'
    bar?.start(totalSessions(config), 0, { stage })
    result = await runBenchmark({
      ...config,
      onProgress: bar ? (n) => bar.increment(n) : undefined,
      onStage: (now) => {
        stage = now
        bar?.update({ stage })
      },
    })
      .catch((err) => {
        // A plugin's own exception says nothing of which plugin threw: name the run it came from.
        if (err instanceof Error && !(err instanceof InputError) && !(err instanceof PluginOutputError)) err.message = `${stage}: ${err.message}`
        throw err
      })
      .finally(() => bar?.stop())
    const logs = Object.fromEntries(Object.entries(result.logs).map(([name, path]) => [name, { moveFrom: path }]))
    out.write({ ...resultFiles(result, buildManifest(config, process.argv.slice(2), started)), ...logs })
  } finally {
    out.release()
    if (logDir) rmSync(logDir, { recursive: true, force: true })
  }

  const label = (r: Row) => ({ ...r, run: r.variant ? `${r.algorithm} (${r.variant})` : r.algorithm })
  const throughput = meanBy(result.throughput.map(label), 'run')
  const rows = meanBy(result.summary.map(label), 'run').map((row) => ({ ...row, ...throughput.find((t) => t.run === row.run) }))
  const seconds = (Date.now() - started.getTime()) / 1000
  if (opts.format === 'json') {
    const table = rows.map((row) => ({ algorithm: row.algorithm, variant: row.variant, ...Object.fromEntries(COLUMNS.slice(1).map((c) => [c, row[c] ?? null])) }))
    process.stdout.write(JSON.stringify({ scenario: scenario.name, runs: plugins.length, seeds: config.seeds, results: out.path, seconds, rows: table }, null, 2) + '\n')
    return
  }
  process.stdout.write(`${scenario.name}: ${plugins.length} runs × ${config.seeds.length} seed(s), means over seeds\n\n`)
  process.stdout.write(formatTable(COLUMNS, rows) + '\n\n')
  process.stdout.write(`Results in ${out.path}/ (summary.csv, rounds.csv, sellers.csv, throughput.csv, manifest.json, report.html); ${seconds.toFixed(1)} s\n`)
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
    .option('--sweep <algo.key=v1,v2>', "run each listed value as a variant; several sweeps of one plugin run their cartesian product (repeatable)", collect, [])
    .option('--plugin <path>', 'load a plugin file beside the built-ins: .mts/.mjs anywhere, .ts/.js inside an ES-module package (repeatable)', collect, [])
    .option('--catalog <dir>', 'use DIR/sellers.csv and DIR/products.csv instead of a generated catalog')
    .option('--out <dir>', 'results folder: a new or empty folder, or one an earlier run wrote (replaced); default results/SCENARIO-TIMESTAMP')
    .option('--bench-time <ms>', 'tinybench time budget per algorithm and seed for rank() throughput', nonNegativeInt, 300)
    .addOption(formatOption('table', 'json'))
    .option('--write-log', 'also write each run\'s impression log (impressions-ALGO-seedN.csv.gz; format in README "Measure your own traffic")')
    .option('--quiet', 'no progress bar')
    .action(runCommand)
}
