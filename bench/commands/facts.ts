import type { Command } from '@commander-js/extra-typings'
import { formatOption, nonNegativeInt, positiveInt } from '../../core/options.ts'
import { counts } from '../facts/facts.ts'
import { type FactsOutcome, planFacts } from '../facts/job.ts'
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
  const request = { scenario: flags.scenario, catalog: flags.catalog, seeds: flags.seeds, benchTimeMs: flags.benchTime }
  const job = await planFacts(request)
  const out = flags.out ?? defaultResultsDir(`facts-${job.scenario.name}`, started)
  const { value, path } = await intoResultsFolder(out, job.estimate, job.notice, async () => {
    const outcome = await job.run(context.commandLine, started, flags.quiet)
    return { files: outcome.files, value: outcome }
  })
  process.stdout.write(factsOutput(value, flags.format))
  const market = value.run.base.name
  const counted = value.run.results.filter((r) => r.applicable && counts(r, market))
  const failed = counted.filter((r) => !r.holds)
  const notApplicable = value.run.results.filter((r) => !r.applicable).length
  const na = notApplicable ? `; ${notApplicable} not applicable (the market lacks their inputs)` : ''
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

export function registerFacts(program: Command, context: CommandContext): void {
  factsOptions(program.command('facts')).action((flags) => factsCommand(flags, context))
}
