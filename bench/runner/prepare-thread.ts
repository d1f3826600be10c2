import { parentPort, Worker } from 'node:worker_threads'
import { InputError } from '../../core/errors.ts'
import { longTimeout } from '../../core/timers.ts'
import { captureIntrinsics, restoreIntrinsics } from '../market/guard.ts'
import { afterPluginImport } from '../plugins/registry.ts'
import { childWatch } from '../plugins/remote/transport.ts'
import { stopGroup } from './cells/pool.ts'
import type { RunFlags } from './options.ts'
import { type PreparedRun, prepareRun } from './prepare.ts'

/** How long reading the --plugin files (and asking their parameters and rules) may take. */
const PREPARE_SECONDS = 120

/** What the preparing thread answers: the prepared run (plain data), or why it was refused; or a process it started. */
type Answer = { prepared: PreparedRun } | { error: string; input: boolean } | { child: number }

/**
 * In the thread: prepare, and send the plain result back. A plugin's process.exit ends only this thread; what its
 * code does to the built-ins is undone after its import and after prepareRun called into it (platform(), its params'
 * checks), so that the next plugin loads and the plan comes back as it is.
 */
export async function prepareHere(flags: RunFlags): Promise<void> {
  const intrinsics = captureIntrinsics()
  const restore = () => void restoreIntrinsics(intrinsics)
  // Sealed plugins' processes (bench run --sealed describes them here): the main thread stops them when this ends.
  childWatch.started = (pid) => parentPort!.postMessage({ child: pid })
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
    const worker = new Worker(new URL('../plugins/thread-entry.js', import.meta.url), {
      workerData: { module: import.meta.url, run: 'prepareHere', data: flags },
    })
    let answered = false
    const children: number[] = []
    const stopChildren = () => {
      for (const pid of children.splice(0)) stopGroup(pid)
    }
    // A plugin that never finishes loading (a loop at its top level) must not hold the run forever.
    const timer = longTimeout(() => {
      answered = true
      stopChildren()
      void worker.terminate()
      reject(
        new InputError(`the --plugin files did not finish loading within ${PREPARE_SECONDS} s (a loop at import?)`),
      )
    }, PREPARE_SECONDS * 1000)
    worker.on('message', (answer: Answer) => {
      if ('child' in answer) {
        children.push(answer.child)
        return
      }
      answered = true
      timer.clear()
      stopChildren()
      void worker.terminate()
      if ('prepared' in answer) resolve(answer.prepared)
      else reject(answer.input ? new InputError(answer.error) : new Error(answer.error))
    })
    worker.once('error', (err) => {
      timer.clear()
      stopChildren()
      reject(new InputError(`a --plugin file failed while loading: ${err.message}`))
    })
    worker.once('exit', (code) => {
      timer.clear()
      stopChildren()
      if (!answered) reject(new InputError(`a --plugin file ended the thread that loads it (exit code ${code})`))
    })
  })
}
