import { resolve } from 'node:path'
import { platformRules } from '../../../algorithms/kit/fees.ts'
import { rulesFingerprint } from '../../../algorithms/kit/rules-fingerprint.ts'
import { InputError } from '../../../core/errors.ts'
import { frozenCopy } from '../../market/plugin-harness.ts'
import type { PluginRun } from '../../plugins/params.ts'
import { pluginFiles } from '../../plugins/registry.ts'
import { isServiceUrl } from '../../plugins/remote/spec.ts'

/**
 * A plugin configuration as a plan takes it: plain data, no plugin code. It crosses threads: a run with
 * --plugin files reads them in a thread of their own (prepare-thread.ts), so no plugin's top-level code runs
 * where results are formatted and written.
 */
export interface PlannedRun {
  name: string
  summary: string
  claims: readonly string[]
  params: Record<string, unknown>
  /** e.g. "priceParity=false;markup=1.5"; empty when no sweep touches the plugin. */
  variant: string
  /** As the manifest names it (built-ins relative to the kit). */
  source: string
  /** Its absolute path (or a service's URL) when it is not the kit's. */
  file?: string
  /** Every file whose content decides its rows: its module graph, declared files and the files its params name. */
  files: string[]
  /** It declares `truth: true` (reads the hidden truth, as the oracle does). */
  truth: boolean
  /** The platform rules it runs under, probed into words, and whose platform() set them (or `default`). */
  rules: { from: string; rules: Record<string, string> }
}

/** A registered plugin's run as plain data; under `sameRules` (--same-rules), that plugin's rules are its rules. */
export function plannedRun(run: PluginRun, file: string, given: readonly string[], sameRules?: PluginRun): PlannedRun {
  const own = given.includes(file)
  const from = sameRules ?? run
  return {
    name: run.plugin.name,
    summary: run.plugin.summary,
    claims: run.plugin.claims,
    params: run.params,
    variant: run.variant,
    source: file,
    file: own && !isServiceUrl(file) ? resolve(file) : own ? file : undefined,
    files: [...pluginFiles(run.plugin), ...(run.plugin.paramFiles?.(run.params) ?? []).map((f) => resolve(f))],
    truth: run.plugin.truth === true,
    rules: {
      from: sameRules ? sameRules.plugin.name : run.plugin.platform ? run.plugin.name : 'default',
      rules: probedRules(from),
    },
  }
}

/** The rules a plugin declares, probed; rules the engine could not use are refused here, before any cell runs. */
function probedRules(run: PluginRun): Record<string, string> {
  try {
    return rulesFingerprint(platformRules(run.plugin.platform?.(frozenCopy(run.params))))
  } catch (err) {
    throw new InputError(`plugin ${run.plugin.name}: ${(err as Error).message}`)
  }
}
