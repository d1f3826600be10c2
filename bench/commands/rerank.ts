import { readFileSync, statSync } from 'node:fs'
import { type Command, Option } from '@commander-js/extra-typings'
import { toCsv } from '../../core/csv.ts'
import { InputError } from '../../core/errors.ts'
import { ScenarioNameSchema } from '../../core/names.ts'
import { atLeastOne, collect, list, nonNegativeInt } from '../../core/options.ts'
import { kitPath } from '../../core/paths.ts'
import { OPE_COLUMNS } from '../calibrate/ope.ts'
import { rerank } from '../calibrate/rerank.ts'
import { ROUND_COLUMNS, SELLER_FILE_COLUMNS, SUMMARY_COLUMNS } from '../metrics/definitions.ts'
import { renderReport } from '../report/html.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import type { CommandContext } from './options.ts'

/** --scenario names the rows of a log-driven folder: checked before anything is read. */
export function checkScenarioName(name: string | undefined): void {
  if (name !== undefined && !ScenarioNameSchema.safeParse(name).success)
    throw new InputError(
      `--scenario ${name}: expected a name of letters, digits and _ . + - starting with a letter or digit`,
    )
}

async function rerankCommand(opts: ReturnType<ReturnType<typeof rerankOptions>['opts']>, context: CommandContext) {
  checkScenarioName(opts.scenario)
  const started = new Date()
  const target = claimResultsFolder(opts.out, statSync(opts.log, { throwIfNoEntry: false })?.size ?? 0)
  let r: Awaited<ReturnType<typeof rerank>>
  try {
    r = await rerank({
      ...opts,
      clip: opts.clip ?? Number.POSITIVE_INFINITY,
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      onProgress: (done, total, name) =>
        opts.quiet || process.stderr.write(`rerank: ${name} done (${done}/${total})\n`),
    })
  } catch (err) {
    target.release()
    throw err
  }
  const finished = new Date()
  const manifest = {
    kind: 'rerank',
    command: context.commandLine.join(' '),
    versions: {
      node: process.version,
      trafficbench: JSON.parse(readFileSync(kitPath('package.json'), 'utf8')).version,
    },
    scenarioName: r.name,
    seeds: [...new Set(r.results.flatMap((x) => x.summary.map((row) => row.seed)))],
    log: { file: opts.log, rows: r.shape.rows, sessions: r.shape.sessions, rounds: r.shape.rounds },
    calibration: r.calibration,
    candidates: opts.candidates ?? null,
    ope: { bootstrap: opts.bootstrap, seed: opts.seed, clip: opts.clip ?? null },
    timing: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
    },
  }
  const files: Record<string, string> = {
    'summary.csv': toCsv(
      SUMMARY_COLUMNS,
      r.results.flatMap((x) => x.summary),
    ),
    'rounds.csv': toCsv(
      ROUND_COLUMNS,
      r.results.flatMap((x) => x.rounds),
    ),
    'sellers.csv': toCsv(
      SELLER_FILE_COLUMNS,
      r.results.flatMap((x) => x.sellers),
    ),
    'ope.csv': toCsv(
      OPE_COLUMNS,
      r.results.flatMap((x) => x.ope),
    ),
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
  }
  target.write({ ...files, 'report.html': renderReport(files) })
  process.stdout.write(
    `Results in ${opts.out}/ (summary.csv, rounds.csv, sellers.csv, ope.csv, manifest.json, report.html)\n`,
  )
}

const rerankOptions = (command: Command) =>
  command
    .description(
      'rank your logged sessions with each plugin: results under the calibrated click model, and off-policy estimates',
    )
    .requiredOption('--log <file>', "the impressions log (CSV, gzip'd CSV or Parquet; format: docs/LOGS.md)")
    .option('--products <file>', 'product_id, seller_id and category of every product')
    .option('--sellers <file>', 'seller_id plus join_round, size_tier, archetype, active_at_end (any of them)')
    .option('--sellers-run <run>', "the run to take from a results folder's sellers.csv, as algorithm@seed")
    .option(
      '--candidates <file>',
      "each session's retrieval set (session_id, round, product_id[, relevance]): plugins choose from it",
    )
    .option('--calibration <dir>', 'a bench calibrate folder of this log (default: calibrate on the log, no bootstrap)')
    .option('--algorithms <list>', 'plugins to rank with, besides the logged order (default: every built-in)', list)
    .option('--plugin <path>', 'a plugin file (repeatable)', collect, [] as string[])
    .option('--param <algo.key=value>', 'set a plugin parameter (repeatable)', collect, [] as string[])
    .option('--sweep <algo.key=v1,v2>', 'run a plugin once per value (repeatable)', collect, [] as string[])
    .option('--scenario <name>', "the scenario column of the results (default: the log's file name)")
    .option('--seed <n>', "the calibrated buyer's and the bootstrap's seed", nonNegativeInt, 1)
    .option(
      '--bootstrap <n>',
      'bootstrap replicates over sessions for the 95% intervals of ope.csv',
      nonNegativeInt,
      200,
    )
    .option('--clip <w>', 'cut importance weights at w (off by default; biased towards the logged policy)', atLeastOne)
    .addOption(
      new Option(
        '--blocks <unit>',
        'measure each round on its own, one replicate per round (seed = the round)',
      ).choices(['round'] as const),
    )
    .option('--quiet', 'no progress lines')
    .requiredOption('--out <dir>', 'results folder to write (replaced if it exists)')

export function registerRerank(program: Command, context: CommandContext): void {
  rerankOptions(program.command('rerank')).action((flags) => rerankCommand(flags, context))
}
