import { relative } from 'node:path'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import { generateCatalog } from '../../datasets/generate.ts'
import { runMarket } from '../market/run.ts'
import { declaredFiles, pluginFiles } from '../plugins/registry.ts'
import { remoteSource } from '../plugins/remote/spec.ts'
import type { Scenario } from '../runner/plan/scenario.ts'
import { undeclaredReads } from './file-reads.ts'
import { type Violations, type Watch, watchPlugin } from './watch.ts'

export interface CheckResult {
  /** Short, stable name: what a failure is reported as. */
  check: string
  passed: boolean
  detail: string
}

/** The checks in the order they are reported. */
export const CHECKS = [
  'params-defaults',
  'valid-slots',
  'deterministic',
  'no-math-random',
  'params-untouched',
  'inputs-untouched',
  'globals-untouched',
  'rank-time',
  'declared-files',
  'type-check',
] as const

interface WatchedRun {
  watch: Watch
  /** Why the run stopped early, if it did. */
  error?: string
}

/**
 * One run of the watched plugin over the scenario's market (the catalog is forked: runs never see each other's writes).
 */
async function watchedRun(
  plugin: Plugin,
  params: Record<string, unknown>,
  scenario: Scenario,
  options: { inspectInputs: boolean; timeRank: boolean },
): Promise<WatchedRun> {
  const catalog = generateCatalog(scenario.catalog, scenario.seed, scenario.market.rounds)
  const watched = watchPlugin(plugin, options)
  try {
    await runMarket({ plugin: watched.plugin, params, market: scenario.market, catalog, seed: scenario.seed })
    return { watch: watched.watch }
  } catch (err) {
    return { watch: watched.watch, error: err instanceof Error ? err.message.split('\n')[0] : String(err) }
  } finally {
    watched.restore()
  }
}

/** The p-th percentile (0–100) of sorted values, by the nearest-rank method. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Runs a plugin with its default parameters over the scenario's market twice, watched
 * (bench/check/watch.ts): the first run compares everything it is handed before and after each
 * call, the second times rank() and must fill exactly the same slots. typeErrors are the plugin
 * file's type-check errors (bench/check/typecheck.ts); undefined leaves the type check out.
 */
export async function conformance(
  plugin: Plugin,
  scenario: Scenario,
  typeErrors: string[] | undefined,
  file?: string,
  given: Record<string, unknown> = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  const report = (check: (typeof CHECKS)[number], passed: boolean, detail: string) =>
    results.push({ check, passed, detail })
  const k = scenario.market.slots
  const parsed = plugin.params.safeParse(given)
  const problem = parsed.success ? plugin.validate?.(parsed.data, { k }) : undefined
  if (!parsed.success)
    report(
      'params-defaults',
      false,
      `the parameters do not parse: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  else if (problem)
    report(
      'params-defaults',
      false,
      `validate refuses the parameters with k = ${k}: ${problem.key}: ${problem.message}`,
    )
  else
    report(
      'params-defaults',
      true,
      `${Object.keys(parsed.data).length} parameters (defaults and --param) parse and pass validate (k = ${k})`,
    )

  if (parsed.success && !problem) {
    const params = parsed.data as Record<string, unknown>
    const first = await watchedRun(plugin, params, scenario, { inspectInputs: true, timeRank: false })
    const second = await watchedRun(plugin, params, scenario, { inspectInputs: false, timeRank: true })
    const { violations: v, calls } = first.watch
    const stopped = first.error ?? second.error
    const seen = (key: keyof Violations) => v[key] ?? second.watch.violations[key]
    const clean = (check: (typeof CHECKS)[number], key: keyof Violations, passDetail: string) =>
      report(check, seen(key) === undefined, seen(key) ?? passDetail)
    const sessions = scenario.market.rounds * scenario.market.sessionsPerRound
    if (v.slots || stopped) report('valid-slots', false, v.slots ?? `the run stopped: ${stopped}`)
    else report('valid-slots', true, `${calls} of ${sessions} sessions ranked, every fill valid`)
    const same =
      !stopped &&
      first.watch.outputs.digest('hex') === second.watch.outputs.digest('hex') &&
      calls === second.watch.calls
    report(
      'deterministic',
      same,
      stopped
        ? 'not compared: a run stopped'
        : same
          ? `two runs with seed ${scenario.seed} filled the same ${calls} pages`
          : 'two runs with the same seed filled different pages: draw randomness from the rng in the context',
    )
    const randomCalls = first.watch.randomCalls + second.watch.randomCalls
    report(
      'no-math-random',
      randomCalls === 0,
      randomCalls === 0
        ? 'no Math.random call from create, rank or the hooks'
        : `${seen('mathRandom')} (${randomCalls} calls); use the seeded context.rng`,
    )
    clean('params-untouched', 'params', 'params deep-equal their copy after every call')
    clean('inputs-untouched', 'inputs', 'every column of the market, sessions and feedback unchanged by each call')
    clean('globals-untouched', 'globals', 'Math and the global object unchanged')
    const times = [...second.watch.rankMs].sort((a, b) => a - b)
    const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`
    report(
      'rank-time',
      times.length > 0,
      times.length > 0
        ? `p50 ${us(percentile(times, 50))}, p99 ${us(percentile(times, 99))} over ${times.length} rank() calls`
        : 'no rank() call was timed',
    )
    const declared = file && !remoteSource(file) ? declaredFiles(plugin, file) : pluginFiles(plugin)
    const undeclared = undeclaredReads(first.watch.createReads, declared)
    const shown = (files: string[]) => files.map((f) => relative('.', f) || f).join(', ')
    report(
      'declared-files',
      undeclared.length === 0,
      undeclared.length === 0
        ? `create() read ${first.watch.createReads.length} file(s), each declared (files) or the kit's`
        : `create() read ${shown(undeclared)}, which the plugin does not declare in files: a change to them ` +
            'would not rerun its cells on resume',
    )
  } else for (const check of CHECKS.slice(1, -1)) report(check, false, 'not run: the parameters are refused')

  if (typeErrors)
    report(
      'type-check',
      typeErrors.length === 0,
      typeErrors.length === 0
        ? 'no type errors against the kit'
        : `${typeErrors.length} error(s): ${typeErrors.slice(0, 3).join(' | ')}`,
    )
  return results
}
