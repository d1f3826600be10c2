import type { Command } from 'commander'
import { loadRegistry } from '../../algorithms/kit/registry.ts'
import { InputError } from '../../datasets/errors.ts'
import { counts, loadFacts, runFacts } from '../facts/facts.ts'
import { FACT_COLUMNS } from '../metrics/definitions.ts'
import { formatTable } from '../report/table.ts'
import { buildManifest, defaultResultsDir, resultFiles } from '../runner/benchmark.ts'
import { toCsv, writeResultsFolder } from '../runner/results.ts'
import { loadScenario } from '../runner/scenario.ts'
import { GatesFailed, nonNegativeInt, positiveInt, progressBar } from './options.ts'

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

export function registerFacts(program: Command): void {
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
}
