import type { Command } from '@commander-js/extra-typings'
import { formatOption, nonNegativeInt, positiveInt } from '../../core/options.ts'
import { counts } from '../facts/facts.ts'
import { type FactsOutcome, planFacts } from '../facts/job.ts'
import { cellText, factsMapMatrix, robustnessLines } from '../report/charts/facts-map.ts'
import { formatTable } from '../report/table.ts'
import { defaultResultsDir } from '../runner/benchmark.ts'
import { intoResultsFolder } from '../runner/execute.ts'
import { type CommandContext, GatesFailed } from './options.ts'

const factsOptions = (command: Command) =>
  command
    .description('check the stylized facts of seeds/facts.json on a scenario; writes a results folder with facts.csv')
    .option('--scenario <name|path>', 'the scenario to check on', 'default')
    .option(
      '--catalog <dir>',
      "check on an imported catalog (DIR/sellers.csv, DIR/products.csv) with the scenario's market settings; " +
        'facts whose inputs it lacks are not applicable',
    )
    .option('--seeds <n>', 'seeds to average over', positiveInt, 1)
    .option(
      '--set <PATH=value>',
      'lay a setting over the scenario, e.g. market.rounds=60 (repeatable)',
      (v: string, acc: string[] | undefined) => [...(acc ?? []), v],
    )
    .option(
      '--vary <PATH=v1,v2,…>',
      "map the facts across a setting's values (PATH alone: the ends of its documented plausible range; " +
        '"assumptions": every documented one); repeatable; writes facts_map.csv',
      (v: string, acc: string[] | undefined) => [...(acc ?? []), v],
    )
    .option('--grid', 'with several --vary: every combination of their values, not one setting at a time')
    .addOption(formatOption('table', 'csv', 'json'))
    .option('--strict', 'exit 1 when any fact (counted on this scenario) does not hold')
    .option(
      '--out <dir>',
      'results folder: a new or empty folder, or one an earlier run wrote (replaced); default ' +
        'results/facts-SCENARIO-TIMESTAMP',
    )
    .option('--bench-time <ms>', 'tinybench time budget per run for rank() throughput', nonNegativeInt, 100)
    .option('--quiet', 'no progress bar')
type FactsFlags = ReturnType<ReturnType<typeof factsOptions>['opts']>

async function factsCommand(flags: FactsFlags, context: CommandContext): Promise<void> {
  const started = new Date()
  const request = {
    scenario: flags.scenario,
    catalog: flags.catalog,
    seeds: flags.seeds,
    benchTimeMs: flags.benchTime,
    set: flags.set,
    vary: flags.vary,
    grid: flags.grid,
  }
  const job = await planFacts(request)
  const out = flags.out ?? defaultResultsDir(`facts-${job.scenario.name}`, started)
  const { value, path } = await intoResultsFolder(out, job.estimate, job.notice, async () => {
    const outcome = await job.run(context.commandLine, started, flags.quiet)
    return { files: outcome.files, value: outcome }
  })
  process.stdout.write(factsOutput(value, flags.format))
  if (value.mapRows.length && flags.format === 'table') process.stdout.write(mapOutput(value.mapRows))
  const market = value.run.base.name
  const counted = value.run.results.filter((r) => r.applicable && counts(r, market))
  const failed = counted.filter((r) => !r.holds)
  const notApplicable = value.run.results.filter((r) => !r.applicable).length
  const na = notApplicable ? `; ${notApplicable} not applicable (a condition they need is not met)` : ''
  process.stderr.write(
    `${counted.length - failed.length} of ${counted.length} facts hold on ${market} (${flags.seeds} ` +
      `seed${flags.seeds > 1 ? 's' : ''})${na}; results and facts.csv in ${path}/\n`,
  )
  if (flags.strict && failed.length)
    throw new GatesFailed(`--strict: ${failed.map((r) => r.fact.id).join(', ')} do not hold`)
}

function factsOutput({ rows, factsCsv }: FactsOutcome, format: string): string {
  if (format === 'csv') return factsCsv
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`
  const short = (claim: unknown) => (String(claim).length > 60 ? `${String(claim).slice(0, 57)}...` : claim)
  return `${formatTable(
    ['id', 'holds', 'claim', 'measured'],
    rows.map((r) => ({ ...r, claim: short(r.claim) as string })),
  )}\n`
}

/** The robustness map as a table (fact × point), then which facts hold everywhere and where the others fail. */
function mapOutput(rows: FactsOutcome['mapRows']): string {
  const text = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
  const matrix = factsMapMatrix(text)
  const table = formatTable(
    ['fact', ...matrix.columns],
    matrix.rows.map((r) =>
      Object.fromEntries([['fact', r.id], ...r.cells.map((c, i) => [matrix.columns[i], cellText(c)])]),
    ),
  )
  return `\nRobustness map (✓ holds, ✗ fails, with the margin):\n${table}\n${robustnessLines(matrix).join('\n')}\n`
}

export function registerFacts(program: Command, context: CommandContext): void {
  factsOptions(program.command('facts')).action((flags) => factsCommand(flags, context))
}
