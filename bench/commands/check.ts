import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { collect, positiveInt } from '../../core/options.ts'
import { checkIsolated } from '../check/isolated.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { isServiceUrl, remoteSource } from '../plugins/remote/spec.ts'
import { loadScenario, presetNames } from '../runner/plan/scenario.ts'
import { GatesFailed } from './options.ts'

/**
 * What each argument names: a file or a service's URL as given, else a built-in's file. Nothing is imported here: each
 * plugin is loaded in the thread that checks it.
 */
async function resolveTargets(targets: string[]): Promise<string[]> {
  const registry = await loadRegistry()
  if (targets.length === 0) return [...registry.values()].filter((r) => !r.onDemand).map((r) => r.file)
  return targets.map((target) => {
    if (existsSync(target) || isServiceUrl(target)) return target
    if (registry.has(target)) return registry.get(target)!.file
    throw new InputError(
      `check ${target}: neither a file, a service URL nor a built-in algorithm (${[...registry.keys()].join(', ')})`,
    )
  })
}

async function checkCommand(targets: string[], opts: ReturnType<ReturnType<typeof checkOptions>['opts']>) {
  const scenario = loadScenario(opts.scenario)
  scenario.market.rounds = opts.rounds
  scenario.market.sessionsPerRound = opts.sessions
  const files = await resolveTargets(targets)
  // Loaded here, not at start-up: the type check pulls in the TypeScript compiler, which other commands do not need.
  const { typeCheck } = await import('../check/typecheck.ts')
  // A ranker in another language is checked through its replies; the type check is TypeScript's.
  const typeErrors = typeCheck(files.filter((file) => !remoteSource(file)))
  const failed: string[] = []
  const named = new Set<string>()
  for (const [i, file] of files.entries()) {
    const errors = remoteSource(file)
      ? undefined
      : ([...typeErrors.entries()].find(([path]) => relative(path, file) === '' || path.endsWith(file))?.[1] ?? [])
    const request = { file, resolvedFile: resolve(file), scenario, params: opts.param, typeErrors: errors }
    const { name, results } = await checkIsolated(request, opts.timeout * 1000)
    if (name) named.add(name)
    const where = `on ${scenario.name}: ${opts.rounds} rounds × ${opts.sessions} sessions, seed ${scenario.seed}`
    process.stdout.write(`${i > 0 ? '\n' : ''}${name ?? '?'} (${relative('.', file) || file}) ${where}\n`)
    for (const r of results) {
      process.stdout.write(`  ${r.passed ? 'pass' : 'FAIL'}  ${r.check.padEnd(18)} ${r.detail}\n`)
      if (!r.passed) failed.push(`${name ?? file}: ${r.check}`)
    }
  }
  const stray = opts.param.filter((p) => ![...named].some((n) => p.startsWith(`${n}.`)))
  if (stray.length)
    throw new InputError(`--param ${stray[0]}: no checked plugin of that name (checked: ${[...named].join(', ')})`)
  if (failed.length > 0)
    throw new GatesFailed(
      `bench check: ${failed.length} check(s) failed over ${files.length} plugin(s): ${failed.join(', ')}`,
    )
  process.stdout.write(`\n${files.length} plugin(s): every check passed\n`)
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
    .option('--timeout <s>', "each plugin's time limit in seconds: a plugin still running then fails", positiveInt, 120)

export function registerCheck(program: Command): void {
  checkOptions(program.command('check')).action(checkCommand)
}
