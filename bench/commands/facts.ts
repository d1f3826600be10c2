import type { Command } from 'commander'
import { toCsv } from '../../core/csv.ts'
import { counts, loadFacts, plannedRuns, runFacts } from '../facts/facts.ts'
import { FACT_COLUMNS } from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { formatTable } from '../report/table.ts'
import { buildManifest, defaultResultsDir, resultFiles } from '../runner/benchmark.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import { checkPlan, estimatePlan, planSize } from '../runner/plan/estimate.ts'
import { loadScenario, overlayScenario } from '../runner/plan/scenario.ts'
import { formatOption, GatesFailed, nonNegativeInt, positiveInt, progressBar } from './options.ts'

interface FactsOptions {
  scenario: string
  catalog?: string
  seeds: number
  format: 'table' | 'csv' | 'json'
  strict?: boolean
  out?: string
  benchTime: number
  quiet?: boolean
}

async function factsCommand(opts: FactsOptions): Promise<void> {
  const started = new Date()
  const scenario = loadScenario(opts.scenario)
  const registry = await loadRegistry()
  const facts = loadFacts()
  const plugins = new Map([...registry].map(([name, r]) => [name, r.plugin]))
  // The scenarios the facts need (the base and overlays such as +black-friday), sized before anything runs.
  const plans = [...plannedRuns(facts, scenario.name, plugins)].map(([name, runs]) =>
    planSize(name === scenario.name ? scenario : overlayScenario(scenario, name.slice(scenario.name.length + 1)), {
      runs: runs.length,
      seeds: opts.seeds,
      benchTimeMs: opts.benchTime,
      catalogDir: opts.catalog,
    }),
  )
  const estimate = estimatePlan(plans)
  const notice = checkPlan(estimate)
  const out = claimResultsFolder(opts.out ?? defaultResultsDir(`facts-${scenario.name}`, started), estimate.outputBytes)
  if (notice) process.stderr.write(`${notice}\n`)
  let run: Awaited<ReturnType<typeof runFacts>>
  let marketName = scenario.name
  let rows: Record<string, string | number>[]
  let factsCsv: string
  try {
    const bar = progressBar(opts.quiet)
    run = await runFacts({
      facts,
      scenario,
      scenarioRef: opts.scenario,
      seeds: opts.seeds,
      catalogDir: opts.catalog,
      plugins,
      sources: new Map([...registry].map(([name, r]) => [name, r.file])),
      benchTimeMs: opts.benchTime,
      onPlan: (total) => bar?.start(total, 0, { stage: 'starting' }),
      onProgress: bar ? (n) => bar.increment(n) : undefined,
      onStage: bar ? (stage) => bar.update({ stage }) : undefined,
    }).finally(() => bar?.stop())
    marketName = run.base.name
    rows = run.results.map((r) => ({
      id: r.fact.id,
      claim: r.fact.claim,
      source: r.fact.source,
      scope: r.fact.scope,
      scenario: marketName,
      seeds: opts.seeds,
      holds: !r.applicable
        ? 'n/a'
        : counts(r, marketName)
          ? r.holds
            ? 'yes'
            : 'no'
          : r.holds
            ? 'yes (base only)'
            : 'no (base only)',
      measured: r.measured,
    }))
    const manifest = {
      // With every market fact not applicable only the probes ran: no config ran a market.
      ...buildManifest(
        run.configs[0] ?? {
          scenario: run.base,
          scenarioRef: opts.scenario,
          plugins: [],
          seeds: [],
          catalogDir: opts.catalog,
          benchTimeMs: opts.benchTime,
        },
        process.argv.slice(2),
        started,
      ),
      facts: 'seeds/facts.json',
      scenarios: run.configs.map((c) => c.scenario.name),
    }
    factsCsv = toCsv(FACT_COLUMNS, rows)
    out.write(resultFiles(run.benchmark, manifest, { 'facts.csv': factsCsv }))
  } finally {
    out.release()
  }
  if (opts.format === 'csv') process.stdout.write(factsCsv)
  else if (opts.format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
  else
    process.stdout.write(
      `${formatTable(
        ['id', 'holds', 'claim', 'measured'],
        rows.map((r) => ({
          ...r,
          claim: String(r.claim).length > 60 ? `${String(r.claim).slice(0, 57)}...` : r.claim,
        })),
      )}\n`,
    )
  const counted = run.results.filter((r) => r.applicable && counts(r, marketName))
  const failed = counted.filter((r) => !r.holds)
  const notApplicable = run.results.filter((r) => !r.applicable).length
  const na = notApplicable ? `; ${notApplicable} not applicable (the market lacks their inputs)` : ''
  process.stderr.write(
    `${counted.length - failed.length} of ${counted.length} facts hold on ${marketName} (${opts.seeds} ` +
      `seed${opts.seeds > 1 ? 's' : ''})${na}; results and facts.csv in ${out.path}/\n`,
  )
  if (opts.strict && failed.length)
    throw new GatesFailed(`--strict: ${failed.map((r) => r.fact.id).join(', ')} do not hold`)
}

export function registerFacts(program: Command): void {
  program
    .command('facts')
    .description('check the stylized facts of seeds/facts.json on a scenario; writes a results folder with facts.csv')
    .option('--scenario <name|path>', 'the scenario to check on', 'default')
    .option(
      '--catalog <dir>',
      "check on an imported catalog (DIR/sellers.csv, DIR/products.csv) with the scenario's market settings; " +
        'facts whose inputs it lacks are not applicable',
    )
    .option('--seeds <n>', 'seeds to average over', positiveInt, 1)
    .addOption(formatOption('table', 'csv', 'json'))
    .option('--strict', 'exit 1 when any fact (counted on this scenario) does not hold')
    .option(
      '--out <dir>',
      'results folder: a new or empty folder, or one an earlier run wrote (replaced); default ' +
        'results/facts-SCENARIO-TIMESTAMP',
    )
    .option('--bench-time <ms>', 'tinybench time budget per run for rank() throughput', nonNegativeInt, 100)
    .option('--quiet', 'no progress bar')
    .action(factsCommand)
}
