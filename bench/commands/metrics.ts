import { readFileSync, statSync } from 'node:fs'
import { type Command, Option } from '@commander-js/extra-typings'
import { toCsv } from '../../core/csv.ts'
import { kitPath } from '../../core/paths.ts'
import { POSITION_BIAS_MODELS } from '../log/format.ts'
import { measureLog } from '../log/measure.ts'
import { ROUND_COLUMNS, SELLER_FILE_COLUMNS, SUMMARY_COLUMNS } from '../metrics/definitions.ts'
import { renderReport } from '../report/html.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import type { CommandContext } from './options.ts'
import { checkScenarioName } from './rerank.ts'

async function metricsCommand(opts: ReturnType<ReturnType<typeof metricsOptions>['opts']>, context: CommandContext) {
  checkScenarioName(opts.scenario)
  const started = new Date()
  // Claimed before reading: a bad --out is refused at once. The folder is a few times smaller than the log
  // (assumption).
  const target = claimResultsFolder(opts.out, statSync(opts.log, { throwIfNoEntry: false })?.size ?? 0)
  let m: Awaited<ReturnType<typeof measureLog>>
  try {
    m = await measureLog(opts)
  } catch (err) {
    target.release()
    throw err
  }
  const emptyBy = (file: string) =>
    Object.fromEntries(m.empty.filter((e) => e.file === file).map((e) => [e.column, e.reason]))
  const finished = new Date()
  const manifest = {
    kind: 'log',
    command: context.commandLine.join(' '),
    versions: {
      node: process.version,
      trafficbench: JSON.parse(readFileSync(kitPath('package.json'), 'utf8')).version,
    },
    keys: m.keys,
    seeds: m.summary.map((r) => r.seed),
    read: m.read,
    empty: {
      'summary.csv': emptyBy('summary.csv'),
      'rounds.csv': emptyBy('rounds.csv'),
      'sellers.csv': emptyBy('sellers.csv'),
    },
    timing: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
    },
  }
  const files: Record<string, string> = {
    'summary.csv': toCsv(SUMMARY_COLUMNS, m.summary),
    'rounds.csv': toCsv(ROUND_COLUMNS, m.rounds),
    'sellers.csv': toCsv(SELLER_FILE_COLUMNS, m.sellers),
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
  }
  target.write({ ...files, 'report.html': renderReport(files) })

  const log = m.read.log as { rows: number; sessions: number; rounds: number[]; sellers: number; format: string }
  const lines = [
    `${opts.log} (${log.format}): ${log.rows} rows, ${log.sessions} sessions, ${log.rounds.length} rounds, ` +
      `${log.sellers} sellers`,
  ]
  if (m.empty.length)
    lines.push(
      `left empty (${m.empty.length} columns; also listed in manifest.json):`,
      ...m.empty.map((e) => `  ${e.file} ${e.column}: ${e.reason}`),
    )
  process.stderr.write(`${lines.join('\n')}\n`)
  process.stdout.write(`Results in ${opts.out}/ (summary.csv, rounds.csv, sellers.csv, manifest.json, report.html)\n`)
}

const metricsOptions = (command: Command) =>
  command
    .description(
      "compute the kit's metrics on your own impression log (CSV, gzip'd CSV or Parquet) and write a results folder",
    )
    .requiredOption('--log <file>', 'the impressions log (format: docs/LOGS.md)')
    .option(
      '--sellers <file>',
      "seller_id plus join_round, size_tier, archetype, active_at_end (any of them); a run's sellers.csv works",
    )
    .option(
      '--sellers-run <run>',
      "the run to take from a results folder's sellers.csv, as algorithm@seed or algorithm/variant@seed",
    )
    .option('--products <file>', 'product_id, seller_id and category; its order breaks ties in rank_persistence')
    .option('--name <name>', 'the algorithm column of the results (default: the log file name)')
    .option('--scenario <name>', 'the scenario column of the results (default: the log file name)')
    .addOption(
      new Option(
        '--blocks <unit>',
        'measure each round on its own, one replicate per round (seed = the round)',
      ).choices(['round'] as const),
    )
    .option(
      '--position-bias <model>',
      `exposure weight by position: ${Object.entries(POSITION_BIAS_MODELS)
        .map(([k, v]) => `${k} = ${v}`)
        .join('; ')}; or weights w1,w2,… for positions 1, 2, …`,
      'log2',
    )
    .requiredOption('--out <dir>', 'results folder to write (replaced if it exists)')

export function registerMetrics(program: Command, context: CommandContext): void {
  metricsOptions(program.command('metrics')).action((flags) => metricsCommand(flags, context))
}
