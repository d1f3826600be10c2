import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { collect, positiveInt } from '../../core/options.ts'
import { expandRuns } from '../plugins/params.ts'
import { loadPluginFile, loadRegistry, type RegisteredPlugin } from '../plugins/registry.ts'
import { isServiceUrl, remoteSource } from '../plugins/remote/spec.ts'
import { loadScenario, presetNames } from '../runner/plan/scenario.ts'
import { GatesFailed } from './options.ts'

/** A path when it names a file, a service's URL, else a built-in's name. */
async function resolveTargets(targets: string[]): Promise<RegisteredPlugin[]> {
  const registry = await loadRegistry()
  if (targets.length === 0) return [...registry.values()].filter((r) => !r.onDemand) // on-demand ones need parameters
  const found: RegisteredPlugin[] = []
  for (const target of targets) {
    if (existsSync(target) || isServiceUrl(target)) found.push({ plugin: await loadPluginFile(target), file: target })
    else if (registry.has(target)) found.push(registry.get(target)!)
    else
      throw new InputError(
        `check ${target}: neither a file, a service URL nor a built-in algorithm (${[...registry.keys()].join(', ')})`,
      )
  }
  return found
}

async function checkCommand(targets: string[], opts: ReturnType<ReturnType<typeof checkOptions>['opts']>) {
  const scenario = loadScenario(opts.scenario)
  scenario.market.rounds = opts.rounds
  scenario.market.sessionsPerRound = opts.sessions
  const plugins = await resolveTargets(targets)
  // --param sets a parameter of a checked plugin (onnx needs its model); the others keep their defaults.
  const runs = expandRuns(
    plugins.map((p) => p.plugin),
    opts.param,
  )
  // Loaded here, not at start-up: the checks pull in the TypeScript compiler, which other commands do not need.
  const [{ conformance }, { typeCheck }] = await Promise.all([
    import('../check/conformance.ts'),
    import('../check/typecheck.ts'),
  ])
  // A ranker in another language is checked through its replies; the type check is TypeScript's.
  const typeErrors = typeCheck(plugins.map((p) => p.file).filter((file) => !remoteSource(file)))
  const failed: string[] = []
  for (const [i, { plugin, file }] of plugins.entries()) {
    if (i > 0) process.stdout.write('\n')
    process.stdout.write(
      `${plugin.name} (${relative('.', file) || file}) on ${scenario.name}: ${opts.rounds} rounds × ` +
        `${opts.sessions} sessions, seed ${scenario.seed}\n`,
    )
    const errors = remoteSource(file)
      ? undefined
      : ([...typeErrors.entries()].find(([path]) => relative(path, file) === '' || path.endsWith(file))?.[1] ?? [])
    const { params } = runs.find((r) => r.plugin === plugin)!
    for (const r of await conformance(plugin, scenario, errors, resolve(file), params)) {
      process.stdout.write(`  ${r.passed ? 'pass' : 'FAIL'}  ${r.check.padEnd(18)} ${r.detail}\n`)
      if (!r.passed) failed.push(`${plugin.name}: ${r.check}`)
    }
  }
  if (failed.length > 0) throw new GatesFailed(`bench check: ${failed.length} check(s) failed: ${failed.join(', ')}`)
  process.stdout.write(`\n${plugins.length} plugin(s): every check passed\n`)
}

const checkOptions = (command: Command) =>
  command
    .description(
      'run plugins (files or built-in names; default: every built-in but those that run when named) through the ' +
        'conformance checks; exit 1 if any fails',
    )
    .argument('[plugins...]', 'plugin files (.mts, .mjs, or .ts/.js in an ES-module package) or built-in names')
    .option(
      '--scenario <name|path>',
      `the market to check on: a preset (${presetNames().join(', ')}) or a scenario JSON file`,
      'small',
    )
    .option('--rounds <n>', 'rounds to simulate', positiveInt, 4)
    .option('--sessions <n>', 'sessions per round', positiveInt, 250)
    .option('--param <algo.key=value>', 'set a parameter of a checked plugin (repeatable)', collect, [] as string[])

export function registerCheck(program: Command): void {
  checkOptions(program.command('check')).action(checkCommand)
}
