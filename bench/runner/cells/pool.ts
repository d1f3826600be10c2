import { availableParallelism } from 'node:os'
import { setFlagsFromString } from 'node:v8'
import { MessageChannel } from 'node:worker_threads'
import Tinypool from 'tinypool'
import { longTimeout } from '../../../core/timers.ts'
import { removeSharedFile } from '../../plugins/remote/shared-file.ts'
import { memoryLimits } from '../plan/estimate.ts'
import type { CellSpec } from '../plan/plan.ts'
import type { CellRows } from './cell.ts'
import type { CellMessage } from './worker.ts'

const ENTRY = new URL('./worker-entry.js', import.meta.url).href

/** A cell that did not finish: what to write in errors.csv and name on exit. */
export interface CellFailure {
  spec: CellSpec
  /** The round it failed in (0 when it failed before the first session). */
  round: number
  reason: string
  /** The error's stack, when the cell threw (printed with --debug). */
  stack?: string
}

export interface PoolOptions {
  /** Worker threads at once; each cell gets a fresh one. */
  workers: number
  /** A cell's heap limit in MB (default: V8's heap limit, or the machine's memory shared among the workers if less). */
  heapMb?: number
  /** A cell's time limit in ms (see defaultCellTimeout). */
  timeoutMs: (spec: CellSpec) => number
  onProgress?: (sessions: number) => void
  onStart?: (spec: CellSpec) => void
  onStage?: (spec: CellSpec, stage: string) => void
  /** Called as each cell finishes, before the next result is awaited: the place to save it. */
  onDone: (spec: CellSpec, rows: CellRows) => void
  onFailed?: (failure: CellFailure) => void
}

export const defaultWorkers = (): number => availableParallelism()

/**
 * A cell's default time limit: a minute, plus a millisecond a session (1,000 sessions/s, 10–100×
 * slower than the built-ins here), plus the throughput budget, for each of its speed measurements
 * (--repeat simulates the cell again for each) — generous for any working plugin, and a hung one is
 * stopped within minutes on the default scenario.
 */
export function defaultCellTimeout(spec: CellSpec): number {
  const { rounds, sessionsPerRound } = spec.scenario.market
  return 60_000 + spec.repeat * (rounds * sessionsPerRound + 2 * spec.benchTimeMs)
}

/**
 * Runs cells in worker threads, at most `workers` at once, each in a fresh thread (tinypool's
 * isolateWorkers) so one plugin's globals never reach another cell. A cell that throws, exits the
 * thread, exhausts its heap or passes its time limit is reported as failed; the others go on.
 */
export async function runCells(specs: CellSpec[], options: PoolOptions): Promise<CellFailure[]> {
  const workers = Math.max(1, Math.min(options.workers, specs.length))
  const heapMb =
    options.heapMb ?? Math.floor(Math.min(memoryLimits().heapBytes, memoryLimits().totalBytes / workers) / 2 ** 20)
  // minThreads = maxThreads: tinypool replaces a recycled thread at once only up to minThreads (with
  // fewer, the queue's last cell waits until every running cell is done: the two-worker tail ran alone).
  // The workers fill the cores themselves: V8's background optimising compiler would only take CPU
  // from the other cells (measured: a cell runs as fast without it, at 104% CPU instead of 113%).
  // A process-wide flag, read by each isolate as it starts: set before the first thread.
  setFlagsFromString('--no-concurrent-recompilation')
  const pool = new Tinypool({
    filename: ENTRY,
    isolateWorkers: true,
    minThreads: workers,
    maxThreads: workers,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  })
  // A plugin that posts on its thread's parentPort after its cell ended has no task to fail: tinypool would emit
  // the error on the pool, which without a listener ends the whole run.
  pool.on('error', () => {})
  const failures: CellFailure[] = []
  try {
    await Promise.all(
      specs.map(async (spec) => {
        const result = await runOne(pool, spec, options, heapMb)
        if ('rows' in result) options.onDone(spec, result.rows)
        else {
          failures.push(result)
          options.onFailed?.(result)
        }
      }),
    )
  } finally {
    await pool.destroy()
  }
  return failures.sort((a, b) => a.spec.cell.index - b.spec.cell.index)
}

/** One cell in its own thread; settles once the thread has both answered and closed its port. */
function runOne(
  pool: Tinypool,
  spec: CellSpec,
  options: PoolOptions,
  heapMb: number,
): Promise<{ rows: CellRows } | CellFailure> {
  const { port1, port2 } = new MessageChannel()
  const abort = new AbortController()
  const limitMs = options.timeoutMs(spec)
  let final: CellMessage | null = null
  let started = false
  let sessions = 0
  let timedOut = false
  return new Promise((resolve) => {
    let closed = false
    let ran: { error?: unknown } | null = null
    // The limit counts from the cell's start in its thread, not from its place in the queue.
    let timer: { clear(): void } | undefined
    /** Plugin processes the cell started: stopped, with their groups, however the cell ends. */
    const children: number[] = []
    const finish = () => {
      if (!closed || !ran) return
      timer?.clear()
      for (const pid of children) {
        stopGroup(pid)
        removeSharedFile(pid)
      }
      const fail = (
        reason: string,
        round = Math.floor(sessions / spec.scenario.market.sessionsPerRound),
        stack?: string,
      ) => resolve({ spec, round, reason, stack })
      if (final?.type === 'done') resolve({ rows: final.rows })
      else if (final?.type === 'failed') fail(final.reason, final.round ?? undefined, final.stack)
      else if (timedOut) fail(`exceeded the cell time limit of ${(limitMs / 1000).toFixed(0)} s (--cell-timeout)`)
      else if (/^Unexpected message on Worker/.test((ran.error as Error)?.message ?? ''))
        fail("the plugin posted a message on its thread's parentPort, which only the kit may use")
      else if ((ran.error as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY')
        fail(`ran out of memory (a cell's heap is limited to ${heapMb} MB; --cell-memory)`)
      else fail('its thread ended without a result (the plugin called process.exit or crashed the thread)')
    }
    port1.on('message', (message: CellMessage) => {
      if (!started) {
        started = true
        timer = longTimeout(() => {
          timedOut = true
          abort.abort()
        }, limitMs)
        options.onStart?.(spec)
      }
      if (message.type === 'child') children.push(message.pid)
      else if (message.type === 'progress') {
        sessions += message.sessions
        options.onProgress?.(message.sessions)
      } else if (message.type === 'stage') options.onStage?.(spec, message.stage)
      else final = message
    })
    port1.on('close', () => {
      closed = true
      // The thread is gone without a word: the pool says why (out of memory) or, after a grace period, is told to free
      // the task.
      if (!final) setTimeout(() => ran ?? abort.abort(), 1000).unref()
      finish()
    })
    pool.run({ spec, port: port2, memoryMb: heapMb }, { transferList: [port2], signal: abort.signal }).then(
      () => settle({}),
      (error) => settle({ error }),
    )
    function settle(outcome: { error?: unknown }) {
      ran = outcome
      // A thread that was terminated may never close its end: close ours after a grace period.
      if (!closed) setTimeout(() => port1.close(), 1000).unref()
      finish()
    }
  })
}

/** Kills a plugin process's whole group; gone already is fine. */
export function stopGroup(pid: number): void {
  // kill(-1) or kill(-0) would reach every process of the user, or the kit's own group.
  if (!Number.isInteger(pid) || pid <= 1) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // ESRCH: it and its group have exited.
  }
}
