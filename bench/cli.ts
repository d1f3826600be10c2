import { Command, CommanderError, InvalidArgumentError } from 'commander'
import cliProgress from 'cli-progress'
import { loadRegistry, selectPlugins } from '../algorithms/kit/registry.ts'
import { InputError } from '../datasets/errors.ts'
import { PluginOutputError } from './engine.ts'
import { SUMMARY_METRICS, THROUGHPUT_METRICS, ROUND_METRICS, SELLER_COLUMNS } from './metric-defs.ts'
import { expandRuns } from './params.ts'
import { readResultsFolder, writeFileAtomic, writeResultsFolder } from './results.ts'
import { renderReport } from './report.ts'
import { join } from 'node:path'
import { buildManifest, defaultResultsDir, resultFiles, runBenchmark, seedList, totalSessions, type BenchmarkResult } from './run.ts'
import { loadScenario, presetNames } from './scenario.ts'
import { formatTable, meanBy } from './table.ts'
import type { Row } from './summarize.ts'
import { compareReports, evaluateGates, parseGates, readReport } from './compare.ts'
import { counts, loadFacts, runFacts } from './facts.ts'
import { FACT_COLUMNS } from './metric-defs.ts'
import { toCsv } from './results.ts'
import { FORMATS, describeFailures, formatComparison, type Format } from './compare-format.ts'

const EXIT_USAGE = 2
const EXIT_FAILURE = 1
const debug = process.argv.includes('--debug')

/** A progress bar on stderr, or null when stderr is not a terminal or --quiet was given. */
function progressBar(quiet: boolean | undefined): cliProgress.SingleBar | null {
  if (quiet || process.stderr.isTTY !== true) return null
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} sessions | {stage} | ETA {eta_formatted}', etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  )
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1')
  return n
}
function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0')
  return n
}
const collect = (value: string, previous: string[]) => [...previous, value]
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean)

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
  quiet?: boolean
}

async function runCommand(opts: RunOptions): Promise<void> {
  const started = new Date()
  const scenario = loadScenario(opts.scenario)
  if (opts.rounds !== undefined) scenario.market.rounds = opts.rounds
  if (opts.sessions !== undefined) scenario.market.sessionsPerRound = opts.sessions
  const selected = selectPlugins(await loadRegistry(opts.plugin), opts.algorithms)
  const source = new Map(selected.map((s) => [s.plugin.name, s.file]))
  const config = {
    scenario,
    scenarioRef: opts.scenario,
    plugins: expandRuns(selected.map((s) => s.plugin), opts.param, opts.sweep).map((run) => ({ ...run, source: source.get(run.plugin.name)! })),
    seeds: seedList(scenario, opts.seeds),
    catalogDir: opts.catalog,
    benchTimeMs: opts.benchTime,
  }
  const out = opts.out ?? defaultResultsDir(scenario.name, started)

  const bar = progressBar(opts.quiet)
  const total = totalSessions(config)
  bar?.start(total, 0, { stage: 'generating the market' })
  let result: BenchmarkResult
  try {
    result = await runBenchmark({
      ...config,
      onProgress: bar ? (n) => bar.increment(n) : undefined,
      onStage: bar ? (stage) => bar.update({ stage }) : undefined,
    })
  } finally {
    bar?.stop()
  }
  const manifest = buildManifest(config, process.argv.slice(2), started)
  writeResultsFolder(out, resultFiles(result, manifest))

  const label = (r: Row) => ({ ...r, run: r.variant ? `${r.algorithm} (${r.variant})` : r.algorithm })
  const throughput = meanBy(result.throughput.map(label), 'run')
  const rows = meanBy(result.summary.map(label), 'run').map((row) => ({ ...row, ...throughput.find((t) => t.run === row.run) }))
  const columns = ['run', 'gini_exposure', 'new_seller_exposure_share', 'seller_survival_rate', 'conversion_rate', 'sponsored_impression_share', 'avg_cpc', 'take_rate', 'gmv', 'sessions_per_sec']
  process.stdout.write(`${scenario.name}: ${config.plugins.length} runs × ${config.seeds.length} seed(s), means over seeds\n\n`)
  process.stdout.write(formatTable(columns, rows) + '\n\n')
  process.stdout.write(`Results in ${out}/ (summary.csv, rounds.csv, sellers.csv, throughput.csv, manifest.json, report.html); ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s\n`)
}

interface CompareOptions {
  metrics?: string[]
  format: string
  failOn?: string
}

async function compareCommand(inputs: string[], opts: CompareOptions): Promise<void> {
  if (inputs.length < 2) throw new InputError('compare needs at least two inputs: a baseline and one to compare with it (the same folder twice is allowed)')
  if (!(FORMATS as readonly string[]).includes(opts.format)) throw new InputError(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`)
  const gates = opts.failOn ? parseGates(opts.failOn) : []
  const comparison = compareReports(inputs.map(readReport), opts.metrics)
  const failures = evaluateGates(comparison, gates)
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
  process.stdout.write(formatComparison(comparison, opts.format as Format, colour))
  if (failures.length) throw new GatesFailed(describeFailures(failures))
}

/** A --fail-on gate was broken: the comparison was printed; exit 1 with the broken gates on stderr. */
class GatesFailed extends Error {}

async function reportCommand(dir: string): Promise<void> {
  const files = readResultsFolder(dir)
  const missing = ['summary.csv', 'rounds.csv', 'sellers.csv', 'throughput.csv'].filter((f) => !(f in files))
  if (missing.length) throw new InputError(`${dir} is not a complete results folder: no ${missing.join(', ')}`)
  const file = join(dir, 'report.html')
  writeFileAtomic(file, renderReport(files))
  process.stdout.write(`wrote ${file}\n`)
}

interface FactsOptions {
  scenario: string
  seeds: number
  format: string
  strict?: boolean
  out?: string
  benchTime: number
  quiet?: boolean
}

async function factsCommand(opts: FactsOptions): Promise<void> {
  const started = new Date()
  if (!['table', 'csv', 'json'].includes(opts.format)) throw new InputError(`--format ${opts.format}: expected one of table, csv, json`)
  const scenario = loadScenario(opts.scenario)
  const registry = await loadRegistry()
  const facts = loadFacts()
  const bar = progressBar(opts.quiet)
  const run = await runFacts({
    facts,
    scenario,
    scenarioRef: opts.scenario,
    seeds: opts.seeds,
    plugins: new Map([...registry].map(([name, r]) => [name, r.plugin])),
    sources: new Map([...registry].map(([name, r]) => [name, r.file])),
    benchTimeMs: opts.benchTime,
    onPlan: (total) => bar?.start(total, 0, { stage: 'starting' }),
    onProgress: bar ? (n) => bar.increment(n) : undefined,
    onStage: bar ? (stage) => bar.update({ stage }) : undefined,
  }).finally(() => bar?.stop())
  const rows = run.results.map((r) => ({
    id: r.fact.id,
    claim: r.fact.claim,
    source: r.fact.source,
    scope: r.fact.scope,
    scenario: scenario.name,
    seeds: opts.seeds,
    holds: counts(r, scenario.name) ? (r.holds ? 'yes' : 'no') : r.holds ? 'yes (base only)' : 'no (base only)',
    measured: r.measured,
  }))
  const factsCsv = toCsv(FACT_COLUMNS, rows)
  if (opts.format === 'csv') process.stdout.write(factsCsv)
  else if (opts.format === 'json') process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
  else process.stdout.write(formatTable(['id', 'holds', 'claim', 'measured'], rows.map((r) => ({ ...r, claim: r.claim.length > 60 ? `${r.claim.slice(0, 57)}...` : r.claim }))) + '\n')
  const manifest = {
    ...buildManifest(run.configs[0], process.argv.slice(2), started),
    facts: 'seeds/facts.json',
    scenarios: run.configs.map((c) => c.scenario.name),
  }
  const out = opts.out ?? defaultResultsDir(`facts-${scenario.name}`, started)
  writeResultsFolder(out, resultFiles(run.benchmark, manifest, { 'facts.csv': factsCsv }))
  const failed = run.results.filter((r) => counts(r, scenario.name) && !r.holds)
  const counted = run.results.filter((r) => counts(r, scenario.name)).length
  process.stderr.write(`${counted - failed.length} of ${counted} facts hold on ${scenario.name} (${opts.seeds} seed${opts.seeds > 1 ? 's' : ''}); results and facts.csv in ${out}/\n`)
  if (opts.strict && failed.length) throw new GatesFailed(`--strict: ${failed.map((r) => r.fact.id).join(', ')} do not hold`)
}

async function listCommand(): Promise<void> {
  const registry = await loadRegistry()
  const lines: string[] = ['Algorithms (algorithms/*.ts; add your own with --plugin FILE):']
  for (const { plugin } of registry.values()) {
    lines.push(`  ${plugin.name.padEnd(12)} ${plugin.summary}`)
    const defaults = plugin.params.parse({}) as Record<string, unknown>
    for (const [key, value] of Object.entries(defaults)) lines.push(`  ${''.padEnd(12)}   --param ${plugin.name}.${key}=${JSON.stringify(value)}`)
  }
  lines.push('', 'Scenarios (seeds/scenarios/*.json, or --scenario PATH):')
  for (const name of presetNames()) lines.push(`  ${name.padEnd(13)} ${loadScenario(name).description}`)
  const section = (title: string, defs: readonly { name: string; better: string; definition: string }[]) => {
    lines.push('', title)
    for (const d of defs) lines.push(`  ${d.name.padEnd(30)} [${d.better}] ${d.definition}`)
  }
  section('summary.csv metrics ([better] = which direction is an improvement; see bench/METRICS.md):', SUMMARY_METRICS)
  section('throughput.csv:', THROUGHPUT_METRICS)
  section('rounds.csv (per round):', ROUND_METRICS)
  section('sellers.csv:', SELLER_COLUMNS)
  process.stdout.write(lines.join('\n') + '\n')
}

export function buildProgram(): Command {
  const program = new Command('bench')
    .description('trafficbench: benchmark marketplace traffic-allocation and ranking algorithms on a seeded synthetic market')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
  program
    .command('run')
    .description('run algorithms over a scenario and write a results folder')
    .option('--algorithms <list>', 'comma-separated algorithm names (default: all)', list)
    .option('--scenario <name|path>', `a preset (${presetNames().join(', ')}) or a scenario JSON file`, 'default')
    .option('--seeds <n>', 'number of seeds, from the scenario seed upwards', positiveInt, 1)
    .option('--rounds <n>', 'override the scenario rounds', positiveInt)
    .option('--sessions <n>', 'override sessions per round', positiveInt)
    .option('--param <algo.key=value>', 'set a plugin parameter (repeatable)', collect, [])
    .option('--sweep <algo.key=v1,v2>', "run each listed value as a variant; several sweeps of one plugin run their cartesian product (repeatable)", collect, [])
    .option('--plugin <path>', 'load a plugin file (.ts or .js) beside the built-ins (repeatable)', collect, [])
    .option('--catalog <dir>', 'use DIR/sellers.csv and DIR/products.csv instead of a generated catalog')
    .option('--out <dir>', 'results folder (replaced if it exists; default results/SCENARIO-TIMESTAMP)')
    .option('--bench-time <ms>', 'tinybench time budget per algorithm and seed for rank() throughput', nonNegativeInt, 300)
    .option('--quiet', 'no progress bar')
    .action(runCommand)
  program
    .command('compare')
    .description('compare result reports: per metric, mean and 95% CI per input, difference against the first (baseline), Welch t-test, verdict')
    .argument('<inputs...>', 'results folders, or summary.csv / throughput.csv files; the first is the baseline')
    .option('--metrics <list>', 'comma-separated metrics to compare (default: all)', list)
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--fail-on <gates>', "exit 1 when a metric moves the wrong way past a limit with p < 0.05, e.g. 'gini_exposure:+0.02,sessions_per_sec:-10%'")
    .action(compareCommand)
  program
    .command('facts')
    .description('check the stylized facts of seeds/facts.json on a scenario; writes a results folder with facts.csv')
    .option('--scenario <name|path>', 'the scenario to check on', 'default')
    .option('--seeds <n>', 'seeds to average over', positiveInt, 1)
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--strict', 'exit 1 when any fact (counted on this scenario) does not hold')
    .option('--out <dir>', 'results folder (default results/facts-SCENARIO-TIMESTAMP)')
    .option('--bench-time <ms>', 'tinybench time budget per run for rank() throughput', nonNegativeInt, 100)
    .option('--quiet', 'no progress bar')
    .action(factsCommand)
  program.command('report').description('rebuild report.html in a results folder from its CSV files').argument('<dir>', 'a results folder').action(reportCommand)
  program.command('list').description('list algorithms, scenarios and metric definitions').action(listCommand)
  program.commands.forEach((c) => c.exitOverride().showHelpAfterError('(run with --help for usage)').option('--debug', 'print stack traces on errors'))
  return program
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE
    if (err instanceof GatesFailed) {
      process.stderr.write(`${err.message}\n`)
      return EXIT_FAILURE
    }
    if (err instanceof InputError) {
      process.stderr.write(`bench: ${err.message}\n`)
      if (debug) process.stderr.write(`${err.stack}\n`)
      return EXIT_USAGE
    }
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`bench: ${err instanceof PluginOutputError ? '' : 'failed: '}${message}\n`)
    if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`)
    else process.stderr.write('(run again with --debug for a stack trace)\n')
    return EXIT_FAILURE
  }
}

process.exitCode = await main(process.argv)
