import type { z } from 'zod'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import { InputError } from '../../core/errors.ts'

/** One parameter value asked for on the command line; `flag` is how it was written, for error messages. */
interface Setting {
  plugin: string
  key: string
  value: unknown
  flag: string
}

/** One plugin configuration to run: its validated parameters and, for sweeps, the variant's name. */
export interface PluginRun {
  plugin: Plugin
  params: Record<string, unknown>
  /** e.g. "priceParity=false;markup=1.5"; empty when no sweep touches the plugin. */
  variant: string
}

/**
 * A value from the command line (--param, --sweep, a scenario setting): JSON when it parses (numbers, true/false,
 * arrays), otherwise the plain string.
 */
export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/** Splits "1.2,1.5" or "[1,2],[3]" on the commas outside brackets. */
function splitValues(list: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of list) {
    if (ch === '[' || ch === '{') depth++
    if (ch === ']' || ch === '}') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts.map((p) => p.trim())
}

function parseFlag(
  option: '--param' | '--sweep',
  flag: string,
  plugins: Plugin[],
): { plugin: Plugin; key: string; raw: string } {
  const match = /^([a-z][a-z0-9-]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(flag)
  if (!match)
    throw new InputError(
      `${option} ${flag}: expected algorithm.key=${option === '--sweep' ? 'v1,v2,…' : 'value'}, e.g. ` +
        `amazon.priceParity=${option === '--sweep' ? 'true,false' : 'false'}`,
    )
  const [, name, key, raw] = match
  const plugin = plugins.find((p) => p.name === name)
  if (!plugin)
    throw new InputError(
      `${option} ${flag}: "${name}" is not among the algorithms of this run (${plugins.map((p) => p.name).join(', ')})`,
    )
  const shape = plugin.params.shape as Record<string, z.ZodType>
  if (!(key in shape)) {
    const known = Object.keys(shape)
    const which = known.length ? `its parameters: ${known.join(', ')}` : 'it takes no parameters'
    throw new InputError(`${option} ${flag}: ${name} has no parameter "${key}"; ${which}`)
  }
  return { plugin, key, raw }
}

/**
 * Validates a plugin's settings against its schema (defaults filled in); errors name the flag, plugin, key and expected
 * type.
 */
function resolve(plugin: Plugin, settings: Setting[]): Record<string, unknown> {
  const given = Object.fromEntries(settings.map((s) => [s.key, s.value]))
  const result = plugin.params.safeParse(given)
  if (result.success) return result.data as Record<string, unknown>
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '')
    const flag = settings.find((s) => s.key === key)?.flag ?? `${plugin.name}.${key}`
    return `${flag}: ${plugin.name}'s parameter ${issue.path.join('.')}: ${issue.message}`
  })
  throw new InputError(lines.join('; '))
}

/** More plugin configurations than this in one run is a typo in a sweep, not a plan. */
export const MAX_RUNS = 10_000

/** Refuses two flags that set the same parameter of the same plugin: which one wins would be a guess. */
function refuseRepeats(option: string, settings: { plugin: string; key: string; flag: string }[]): void {
  settings.forEach((s, i) => {
    const first = settings.findIndex((o) => o.plugin === s.plugin && o.key === s.key)
    if (first !== i)
      throw new InputError(
        `${option}: ${s.plugin}.${s.key} is set twice (${settings[first].flag} and ${s.flag}); give it once`,
      )
  })
}

/**
 * The runs asked for: each plugin once with its `--param` settings, or, when `--sweep` flags name
 * it, once per combination of the swept values (their cartesian product), each a variant.
 */
export function expandRuns(plugins: Plugin[], paramFlags: string[], sweepFlags: string[] = []): PluginRun[] {
  const params: Setting[] = paramFlags.map((flag) => {
    const { plugin, key, raw } = parseFlag('--param', flag, plugins)
    return { plugin: plugin.name, key, value: parseValue(raw), flag: `--param ${flag}` }
  })
  refuseRepeats('--param', params)
  const sweeps = sweepFlags.map((flag) => {
    const { plugin, key, raw } = parseFlag('--sweep', flag, plugins)
    const values = splitValues(raw)
    if (raw.trim() === '' || values.some((v) => v === ''))
      throw new InputError(`--sweep ${flag}: expected a comma-separated list of values with none empty`)
    const same = values.map((v) => JSON.stringify(parseValue(v)))
    const twice = values.find((_, i) => same.indexOf(same[i]) !== i)
    if (twice !== undefined)
      throw new InputError(`--sweep ${flag}: the value ${twice} is listed twice; each variant runs once`)
    return { plugin: plugin.name, key, values, flag: `--sweep ${flag}` }
  })
  refuseRepeats('--sweep', sweeps)
  // A swept key would silently override its --param: one flag sets a parameter.
  refuseRepeats('--param and --sweep', [...params, ...sweeps])
  const variants = plugins.reduce(
    (total, p) => total + sweeps.filter((s) => s.plugin === p.name).reduce((n, s) => n * s.values.length, 1),
    0,
  )
  if (variants > MAX_RUNS)
    throw new InputError(`--sweep: ${variants} plugin variants asked for; at most ${MAX_RUNS} run in one go`)
  return plugins.flatMap((plugin) => {
    const own = params.filter((s) => s.plugin === plugin.name)
    let combos: Setting[][] = [[]]
    for (const sweep of sweeps.filter((s) => s.plugin === plugin.name))
      combos = combos.flatMap((combo) =>
        sweep.values.map((raw) => [
          ...combo,
          { plugin: plugin.name, key: sweep.key, value: parseValue(raw), flag: `${sweep.flag} (value ${raw})` },
        ]),
      )
    return combos.map((combo) => ({
      plugin,
      params: resolve(plugin, [...own.filter((s) => !combo.some((c) => c.key === s.key)), ...combo]),
      variant: variantName(combo.map((s) => [s.key, s.value])),
    }))
  })
}

/** A variant's name: its settings as key=value joined by ';' (strings bare, other values as JSON). */
export function variantName(settings: [string, unknown][]): string {
  return settings.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(';')
}

/** One plugin run with parameter overrides (validated, defaults filled), named as a sweep would name it. */
export function pluginRun(plugin: Plugin, overrides: Record<string, unknown> = {}): PluginRun {
  const settings = Object.entries(overrides).map(([key, value]) => ({
    plugin: plugin.name,
    key,
    value,
    flag: `${plugin.name}.${key}`,
  }))
  return { plugin, params: resolve(plugin, settings), variant: variantName(Object.entries(overrides)) }
}

/**
 * Asks each plugin run's `validate` hook about its parameters on a page of k slots, before any
 * session is simulated; the first refusal is an input error naming the plugin, key and value.
 */
export function refuseMeaninglessParams(
  runs: readonly { plugin: Plugin; params: Record<string, unknown> }[],
  k: number,
): void {
  for (const { plugin, params } of runs) {
    const problem = plugin.validate?.(params, { k })
    if (problem)
      throw new InputError(`${plugin.name}.${problem.key}=${JSON.stringify(params[problem.key])}: ${problem.message}`)
  }
}
