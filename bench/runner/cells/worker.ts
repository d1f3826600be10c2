import type { MessagePort } from 'node:worker_threads'
import { captureIntrinsics, restoreIntrinsics } from '../../market/guard.ts'
import { afterPluginImport } from '../../plugins/registry.ts'
import { childWatch } from '../../plugins/remote/transport.ts'
import type { CellSpec } from '../plan/plan.ts'
import { type CellRows, runCell } from './cell.ts'

/** What a worker tells the main thread about its cell, in order; `done` or `failed` comes last. */
export type CellMessage =
  | { type: 'progress'; sessions: number }
  /** A plugin process started for the cell: the pool stops its process group when the cell ends, however. */
  | { type: 'child'; pid: number }
  | { type: 'stage'; stage: string }
  | { type: 'done'; rows: CellRows }
  | { type: 'failed'; reason: string; round: number | null; stack?: string }

/** A plugin called process.exit: in a worker it would end only the thread, silently; it is a failure of the cell. */
class ExitCalled extends Error {
  override name = 'ExitCalled'
}

/**
 * The task each worker thread runs (one cell per thread: the pool isolates workers). Results and
 * failures travel over `port`, so the main thread can tell a cell that failed from a thread that
 * died without a word.
 */
export async function runCellTask({
  spec,
  port,
  memoryMb,
}: {
  spec: CellSpec
  port: MessagePort
  /** The cell's memory limit, which its plugin processes get too. */
  memoryMb: number
}): Promise<void> {
  let sessions = 0
  // What a plugin's top-level code does to the built-ins is undone once it is imported (guard.ts); what its calls do
  // later, the engine's globals guard stops.
  const intrinsics = captureIntrinsics()
  afterPluginImport.run = () => void restoreIntrinsics(intrinsics)
  process.exit = ((code?: number) => {
    throw new ExitCalled(`the plugin called process.exit(${code ?? ''})`)
  }) as typeof process.exit
  const send = (message: CellMessage) => port.postMessage(message)
  childWatch.started = (pid) => send({ type: 'child', pid })
  childWatch.memoryMb = memoryMb
  send({ type: 'stage', stage: 'loading' }) // the cell has a thread: its time limit starts now
  try {
    const rows = await runCell(
      spec,
      (n) => {
        sessions += n
        send({ type: 'progress', sessions: n })
      },
      (stage) => send({ type: 'stage', stage }),
      memoryMb,
    )
    send({ type: 'done', rows })
  } catch (err) {
    send({
      type: 'failed',
      reason: describeFailure(err),
      round: failedRound(err, sessions, spec.scenario.market.sessionsPerRound),
      stack: err instanceof Error ? err.stack : undefined,
    })
  } finally {
    port.close()
  }
}

/** The round a failure happened in: the plugin error's own, or the one the progress had reached. */
function failedRound(err: unknown, sessions: number, perRound: number): number {
  const own = (err as { round?: unknown })?.round
  return typeof own === 'number' ? own : Math.floor(sessions / perRound)
}

/** One line: the error's name when it is not a plain Error, and its message. */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return `threw ${String(err)}`
  const kind =
    err.name &&
    !['Error', 'InputError', 'ExitCalled', 'PluginOutputError', 'PluginError', 'RemoteError'].includes(err.name)
      ? `${err.name}: `
      : ''
  return `${kind}${err.message}`.replace(/\s*\n\s*/g, ' ')
}
