import { InputError } from '../../../core/errors.ts'
import type { CellSpec } from './plan.ts'

/** This process's share of a plan: shard `index` (0-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

const wholeNumber = (text: string | undefined) =>
  text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : null

/**
 * The batch engines whose array jobs set a task index (and, for Slurm, the count): Kubernetes
 * Indexed Jobs, Slurm job arrays, AWS Batch array jobs. Kubernetes and AWS Batch do not tell a
 * task how many there are; `--shard auto/N` gives it.
 */
function shardFromEnv(env: NodeJS.ProcessEnv, count: number | null): Shard {
  const slurm = wholeNumber(env.SLURM_ARRAY_TASK_ID)
  if (slurm !== null) {
    const n = count ?? wholeNumber(env.SLURM_ARRAY_TASK_COUNT)
    if (n === null)
      throw new InputError(
        '--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give --shard auto/N',
      )
    // Arrays often start at 1 (--array=1-3): count from the array's first task.
    return { index: slurm - (wholeNumber(env.SLURM_ARRAY_TASK_MIN) ?? 0), count: n }
  }
  for (const name of ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX']) {
    const index = wholeNumber(env[name])
    if (index === null) continue
    if (count === null)
      throw new InputError(
        `--shard auto: ${name}=${index} gives this task's index but not how many tasks there are; give --shard ` +
          `auto/N (N = the job's completions or array size)`,
      )
    return { index, count }
  }
  throw new InputError(
    '--shard auto: none of SLURM_ARRAY_TASK_ID (Slurm), JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or ' +
      'AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch) is set; give --shard I/N',
  )
}

/** `--shard I/N`, `--shard auto` or `--shard auto/N`; refused (InputError) unless 0 ≤ I < N. */
export function parseShard(flag: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const match = /^(\d+|auto)(?:\/(\d+))?$/.exec(flag.trim())
  if (!match || (match[1] !== 'auto' && match[2] === undefined))
    throw new InputError(`--shard ${flag}: expected I/N (e.g. 0/3, the first of three shards), auto or auto/N`)
  const count = match[2] === undefined ? null : Number(match[2])
  const shard = match[1] === 'auto' ? shardFromEnv(env, count) : { index: Number(match[1]), count: count! }
  if (shard.count < 1) throw new InputError(`--shard ${flag}: the number of shards must be at least 1`)
  if (shard.index < 0 || shard.index >= shard.count)
    throw new InputError(
      `--shard ${flag}: shard ${shard.index} does not exist; with ${shard.count} shards the index runs from 0 to ` +
        `${shard.count - 1}`,
    )
  return shard
}

/**
 * The cells of one shard. The plan is seeds × runs; shard (run + seed) mod N deals each seed's runs
 * round the shards from a different start, so every shard gets the same number of cells (±1) and,
 * over seeds, each plugin (whose cells are the costly or cheap ones) in turn. It depends on nothing
 * but the plan, so every task computes the same split.
 */
export function shardCells(specs: readonly CellSpec[], shard: Shard): CellSpec[] {
  const runsPerSeed = specs.filter((s) => s.cell.seed === specs[0]?.cell.seed).length
  return specs.filter(({ cell }) => (cell.index + Math.floor(cell.index / runsPerSeed)) % shard.count === shard.index)
}
