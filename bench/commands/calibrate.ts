import { readFileSync, statSync } from 'node:fs'
import type { Command } from '@commander-js/extra-typings'
import { fraction, nonNegativeInt } from '../../core/options.ts'
import { kitPath } from '../../core/paths.ts'
import { calibrate } from '../calibrate/index.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import type { CommandContext } from './options.ts'
import { checkScenarioName } from './rerank.ts'

async function calibrateCommand(
  opts: ReturnType<ReturnType<typeof calibrateOptions>['opts']>,
  context: CommandContext,
) {
  checkScenarioName(opts.scenario)
  const started = new Date()
  // Claimed before reading: a bad --out is refused at once. The folder is much smaller than the log (assumption).
  const target = claimResultsFolder(opts.out, statSync(opts.log, { throwIfNoEntry: false })?.size ?? 0)
  let c: Awaited<ReturnType<typeof calibrate>>
  try {
    c = await calibrate(opts)
  } catch (err) {
    target.release()
    throw err
  }
  const finished = new Date()
  const manifest = {
    kind: 'calibration',
    command: context.commandLine.join(' '),
    versions: {
      node: process.version,
      trafficbench: JSON.parse(readFileSync(kitPath('package.json'), 'utf8')).version,
    },
    scenarioName: c.name,
    log: { file: opts.log, format: c.format, rows: c.shape.rows, sessions: c.shape.sessions, rounds: c.shape.rounds },
    bootstrap: { replicates: opts.bootstrap, seed: opts.seed },
    heldOutRounds: c.heldOut,
    identification: c.fit.identification,
    emIterations: c.fit.pbm.iterations,
    pricesFromMedians: c.defaultedPrices,
    notes: c.notes,
    timing: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
    },
  }
  target.write({ ...c.files, 'manifest.json': `${JSON.stringify(manifest, null, 2)}\n` })
  process.stderr.write(`${c.notes.join('\n')}\n`)
  process.stdout.write(
    `Calibration in ${opts.out}/ (fit.csv, ${c.heldOut.length ? 'validation.csv, ' : ''}scenario.json, catalog/, ` +
      'manifest.json, report.html); run it with\n' +
      `  bench run --scenario ${opts.out}/scenario.json --catalog ${opts.out}/catalog\n`,
  )
}

const calibrateOptions = (command: Command) =>
  command
    .description(
      "fit the simulator's click and traffic model to your impression log and write a scenario and catalog that run it",
    )
    .requiredOption('--log <file>', "the impressions log (CSV, gzip'd CSV or Parquet; format: docs/LOGS.md)")
    .option('--products <file>', 'product_id, seller_id and category of every product')
    .option('--sellers <file>', 'seller_id plus join_round, size_tier, archetype, active_at_end (any of them)')
    .option('--sellers-run <run>', "the run to take from a results folder's sellers.csv, as algorithm@seed")
    .option('--scenario <name>', "the calibrated scenario's name (default: the log's file name)")
    .option(
      '--bootstrap <n>',
      'bootstrap replicates over sessions for the standard errors (0: none)',
      nonNegativeInt,
      50,
    )
    .option('--seed <n>', "the bootstrap's seed", nonNegativeInt, 1)
    .option(
      '--holdout <share>',
      'fit on the first rounds and replay this share of the last ones through the fit (validation.csv)',
      fraction,
    )
    .option('--no-tune-buyer', "leave the simulator's buyer coefficients at their defaults (no tuning simulations)")
    .requiredOption('--out <dir>', 'calibration folder to write (replaced if it exists)')

export function registerCalibrate(program: Command, context: CommandContext): void {
  calibrateOptions(program.command('calibrate')).action((flags) => calibrateCommand(flags, context))
}
