import { type Command, InvalidArgumentError } from '@commander-js/extra-typings'
import { collect, formatOption, list, nonNegativeInt, positiveInt } from '../../core/options.ts'
import { defaultWorkers } from './cells/pool.ts'
import { presetNames } from './plan/scenario.ts'

/**
 * A run's options, declared once with their parsing and defaults: `bench run` adds them to its
 * command, and their parsed type (RunFlags) is what prepareRun takes. Other commands that run a
 * scenario (facts) add the scenario options they share.
 */
export const scenarioOptions = (command: Command) =>
  command
    .option('--scenario <name|path>', `a preset (${presetNames().join(', ')}) or a scenario JSON file`, 'default')
    .option('--catalog <dir>', 'use DIR/sellers.csv and DIR/products.csv instead of a generated catalog')
    .option('--quiet', 'no progress bar')

export const runOptions = (command: Command) =>
  scenarioOptions(command)
    .option('--algorithms <list>', 'comma-separated algorithm names, each once (default: all)', list)
    .option('--seeds <n>', 'number of seeds, from the scenario seed upwards', positiveInt, 1)
    .option('--rounds <n>', 'override the scenario rounds', positiveInt)
    .option('--sessions <n>', 'override sessions per round', positiveInt)
    .option('--param <algo.key=value>', 'set a plugin parameter (repeatable)', collect, [] as string[])
    .option(
      '--sweep <algo.key=v1,v2>',
      'run each listed value as a variant; several sweeps of one plugin run their cartesian product (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--plugin <path>',
      'load a plugin file beside the built-ins: .mts/.mjs anywhere, .ts/.js inside an ES-module package (repeatable)',
      collect,
      [] as string[],
    )
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
    .option(
      '--repeat <n>',
      `measure each cell's speed n times (1 to ${MAX_REPEAT}): throughput.csv gets n rows per cell (its repeat ` +
        'column); repeats after the first simulate the cell again for timing only, the result files stay the same',
      repeatCount,
      1,
    )
    .option(
      '--sealed',
      "run each plugin file in a process of its own under Node's permission model: it reads only its own files, " +
        'writes nothing, starts no process or thread (and on Linux has no network); slower, same results',
    )
    .option(
      '--seller-rounds',
      'also write seller_rounds.csv: one row per seller and round of each run (sellers entered and not gone, or ' +
        'with any value)',
    )
    .option(
      '--same-rules <algo>',
      "run every algorithm under ALGO's platform rules (fees, markup, session kind, delivery; its default " +
        'params) instead of its own: the ranking compared under the same rules; a built-in or a --plugin',
    )
    .addOption(formatOption('table', 'json'))
    .option(
      '--write-log',
      "also write each run's impression log (impressions-ALGO-seedN.csv.gz; format in docs/LOGS.md)",
    )
    .option(
      '--workers <n>',
      `worker threads running cells at once (default: ${defaultWorkers()}, this machine's available parallelism)`,
      positiveInt,
    )
    .option(
      '--cell-timeout <s>',
      "a cell's time limit in seconds (default: 60 + (1 ms a session + the throughput budget) × --repeat)",
      positiveInt,
    )
    .option(
      '--cell-memory <MB>',
      "a cell's heap limit, and each of its plugin processes' address space (default: V8's heap limit, or the " +
        "machine's memory shared among the workers if less)",
      positiveInt,
    )
    .option(
      '--shard <I/N|auto>',
      'run only shard I (from 0) of N of the cells; auto reads SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX ' +
        'or AWS_BATCH_JOB_ARRAY_INDEX (auto/N gives the count); join shards with bench merge',
    )
    .option('--restart', 'discard the finished cells of an interrupted run at --out and start over')

/** Speed measurements per cell at most: more is a typo, and the cell's time grows with each. */
export const MAX_REPEAT = 100

function repeatCount(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_REPEAT}`)
  return n
}

/** `bench run`'s parsed options. */
export type RunFlags = ReturnType<ReturnType<typeof runOptions>['opts']>
