import { Worker } from 'node:worker_threads'
import { longTimeout } from '../../core/timers.ts'
import type { CheckResult } from './conformance.ts'
import type { CheckMessage, CheckRequest } from './isolated-thread.ts'

/** What checking one plugin in its own thread came to: its name (when it loaded) and its results. */
export interface IsolatedCheck {
  name: string | null
  results: CheckResult[]
}

/** One failed pseudo-check for a thread that hung, exited or threw before the checks could report. */
const failure = (check: string, detail: string): CheckResult[] => [{ check, passed: false, detail }]

/**
 * Checks one plugin in a worker thread with a time limit: a plugin that never returns, leaves a
 * timer, calls process.exit or crashes its thread is named as such, and the checks of the others
 * go on. The thread is terminated once it has answered, so what it leaves running dies with it.
 */
export function checkIsolated(request: CheckRequest, timeoutMs: number): Promise<IsolatedCheck> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../plugins/thread-entry.js', import.meta.url), {
      workerData: {
        module: new URL('./isolated-thread.ts', import.meta.url).href,
        run: 'checkInThread',
        data: request,
      },
    })
    let name: string | null = null
    let settled = false
    const finish = (results: CheckResult[]) => {
      if (settled) return
      settled = true
      timer.clear()
      void worker.terminate()
      resolve({ name, results })
    }
    const timer = longTimeout(
      () => finish(failure('time-limit', `no answer within ${timeoutMs / 1000} s: a hang? (--timeout sets the limit)`)),
      timeoutMs,
    )
    let stray = false
    worker.on('message', (message: CheckMessage) => {
      if (message?.type === 'name') name = message.name
      else if (message?.type === 'results')
        finish([
          ...message.results,
          ...(stray ? failure('thread-messages', "posted on its thread's parentPort, which only the kit may use") : []),
        ])
      else stray = true
    })
    worker.on('error', (err) => finish(failure('load', `the plugin failed before its checks: ${err.message}`)))
    worker.on('exit', (code) =>
      finish(failure('exited', `the plugin's thread ended (exit code ${code}) before the checks reported`)),
    )
  })
}
