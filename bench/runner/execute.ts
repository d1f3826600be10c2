import { resolve } from 'node:path'
import cliProgress from 'cli-progress'
import {
  type BenchmarkConfig,
  type BenchmarkResult,
  buildManifest,
  resultFiles,
  runBenchmark,
  totalSessions,
} from './benchmark.ts'
import { claimResultsFolder, type ResultContent } from './folder/out-dir.ts'
import { CellStore } from './folder/store.ts'
import type { Estimate } from './plan/estimate.ts'
import { buildPlan } from './plan/plan.ts'

/** Reports a long job's progress: sessions done and what runs now. */
export interface Progress {
  start(totalSessions: number): void
  onProgress(sessions: number): void
  onStage(stage: string): void
  stop(): void
}

/**
 * A progress bar on stderr (sessions, cells done and running, sessions per second), or a silent
 * one when stderr is not a terminal or `quiet` is set.
 */
export function progress(quiet: boolean | undefined): Progress {
  if (quiet || process.stderr.isTTY !== true) return { start() {}, onProgress() {}, onStage() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {value}/{total} sessions | {stage} | ETA {eta_formatted}',
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  )
  const started = Date.now()
  let done = 0
  let stage = 'starting'
  const rate = () =>
    `${Math.round(done / Math.max(1e-3, (Date.now() - started) / 1000)).toLocaleString('en-US')} sessions/s`
  return {
    start: (total) => bar.start(total, 0, { stage }),
    onProgress(n) {
      done += n
      bar.increment(n, { stage: `${stage} · ${rate()}` })
    },
    onStage(now) {
      stage = now
      bar.update({ stage: `${stage} · ${rate()}` })
    },
    stop: () => bar.stop(),
  }
}

/**
 * Claims the results folder for a planned job before anything runs (a bad --out or a job the
 * machine cannot hold is refused at once), prints the estimate's notice, runs `work`, writes the
 * files it returns, and releases the folder whatever happens.
 */
export async function intoResultsFolder<T>(
  out: string,
  estimate: Estimate,
  notice: string | null,
  work: (path: string) => Promise<{ files: Record<string, ResultContent>; value: T; written?: () => void }>,
): Promise<{ value: T; path: string }> {
  const target = claimResultsFolder(out, estimate.outputBytes)
  if (notice) process.stderr.write(`${notice}\n`)
  try {
    const { files, value, written } = await work(target.path)
    target.write(files)
    written?.()
    return { value, path: target.path }
  } finally {
    target.release()
  }
}

export interface RunExecution {
  out: string
  /** The command line, for manifest.json and the cell store. */
  commandLine: string[]
  started: Date
  restart?: boolean
  quiet?: boolean
}

/**
 * `bench run`'s job: the plan's cells run into the results folder, finished cells kept in its store
 * (DIR.cells) so that a killed run resumes; the store goes once every cell has been written.
 */
export async function executeRun(
  config: BenchmarkConfig,
  estimate: Estimate,
  notice: string | null,
  how: RunExecution,
): Promise<{ result: BenchmarkResult; path: string }> {
  const { value, path } = await intoResultsFolder(how.out, estimate, notice, async (path) => {
    const store = CellStore.open(resolve(path), buildPlan(config), how.commandLine.join(' '), !!how.restart)
    const shown = progress(how.quiet)
    shown.start(totalSessions(config))
    const result = await runBenchmark({ ...config, store, ...shown }).finally(() => shown.stop())
    // Logs are copied while failed cells keep the store (and their logs) for the rerun; moved otherwise.
    const keep = result.failures.length > 0
    const logs = Object.fromEntries(
      Object.entries(result.logs).map(([name, from]) => [name, keep ? { copyFrom: from } : { moveFrom: from }]),
    )
    const manifest = buildManifest(config, how.commandLine.slice(1), how.started, result)
    return {
      files: { ...resultFiles(result, manifest), ...logs },
      value: result,
      written: () => keep || store.remove(),
    }
  })
  return { result: value, path }
}
