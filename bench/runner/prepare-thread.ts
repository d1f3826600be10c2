import { parentPort, Worker } from 'node:worker_threads'
import { InputError } from '../../core/errors.ts'
import { captureIntrinsics, restoreIntrinsics } from '../market/guard.ts'
import { afterPluginImport } from '../plugins/registry.ts'
import type { RunFlags } from './options.ts'
import { type PreparedRun, prepareRun } from './prepare.ts'

/** What the preparing thread answers: the prepared run (plain data), or why it was refused. */
type Answer = { prepared: PreparedRun } | { error: string; input: boolean }

/**
 * In the thread: prepare, and send the plain result back. A plugin's process.exit ends only this thread; what its
 * code does to the built-ins is undone after its import and after prepareRun called into it (platform(), its params'
 * checks), so that the next plugin loads and the plan comes back as it is.
 */
export async function prepareHere(flags: RunFlags): Promise<void> {
  const intrinsics = captureIntrinsics()
  const restore = () => void restoreIntrinsics(intrinsics)
  afterPluginImport.run = restore
  let answer: Answer
  try {
    answer = { prepared: await prepareRun(flags, restore) }
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err), input: err instanceof InputError }
  }
  parentPort!.postMessage(answer)
}

/**
 * prepareRun in a thread of its own when the run loads --plugin files: their top-level code (patching
 * Number.prototype, forging globals, leaving timers) runs there and dies with the thread, never in the main
 * thread that formats and writes every cell's rows. The plan comes back as plain data; each cell's worker loads
 * its plugin again.
 */
export function prepareIsolated(flags: RunFlags): Promise<PreparedRun> {
  if (flags.plugin.length === 0) return prepareRun(flags)
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./prepare-entry.js', import.meta.url), { workerData: flags })
    let answered = false
    worker.once('message', (answer: Answer) => {
      answered = true
      void worker.terminate()
      if ('prepared' in answer) resolve(answer.prepared)
      else reject(answer.input ? new InputError(answer.error) : new Error(answer.error))
    })
    worker.once('error', (err) => reject(new InputError(`a --plugin file failed while loading: ${err.message}`)))
    worker.once('exit', (code) => {
      if (!answered) reject(new InputError(`a --plugin file ended the thread that loads it (exit code ${code})`))
    })
  })
}
