import { parentPort } from 'node:worker_threads'
import { captureIntrinsics, restoreIntrinsics } from '../market/guard.ts'
import { expandRuns } from '../plugins/params.ts'
import { afterPluginImport, loadPluginFile } from '../plugins/registry.ts'
import type { Scenario } from '../runner/plan/scenario.ts'
import { type CheckResult, conformance } from './conformance.ts'

/** What `bench check` hands the thread that checks one plugin. */
export interface CheckRequest {
  file: string
  /** The plugin file as the user named it, for resolving its declared files. */
  resolvedFile: string
  scenario: Scenario
  /** Every --param of the call: the thread keeps its plugin's own. */
  params: string[]
  typeErrors: string[] | undefined
}

/** What the thread tells `bench check`, in order: the plugin's name once loaded, then its results. */
export type CheckMessage = { type: 'name'; name: string } | { type: 'results'; results: CheckResult[] }

/** A plugin calling process.exit would end this thread silently: it is a failure the checks name. */
class ExitCalled extends Error {
  override name = 'ExitCalled'
}

/** Loads the plugin here, never in the main thread, so its top-level code cannot touch the checks of the others. */
export async function checkInThread(request: CheckRequest): Promise<void> {
  process.exit = ((code?: number) => {
    throw new ExitCalled(`the plugin called process.exit(${code ?? ''})`)
  }) as typeof process.exit
  const post = MessagePort.prototype.postMessage
  const send = (message: CheckMessage) => post.call(parentPort!, message)
  // What the plugin's top-level code does to the built-ins is undone, as in a run, and named here.
  const intrinsics = captureIntrinsics()
  let atImport: string[] = []
  afterPluginImport.run = () => {
    atImport = restoreIntrinsics(intrinsics)
  }
  const plugin = await loadPluginFile(request.file)
  send({ type: 'name', name: plugin.name })
  const own = request.params.filter((p) => p.startsWith(`${plugin.name}.`))
  const [{ params }] = expandRuns([plugin], own)
  const results = await conformance(plugin, request.scenario, request.typeErrors, request.resolvedFile, params)
  const globals = results.find((r) => r.check === 'globals-untouched')
  if (globals && atImport.length)
    Object.assign(globals, {
      passed: false,
      detail: `at import, changed ${atImport.join(', ')} (the kit undoes it; a plugin may not change the built-ins)`,
    })
  send({ type: 'results', results })
}
