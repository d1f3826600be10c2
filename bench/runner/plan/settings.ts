import type { z } from 'zod'
import { InputError } from '../../../core/errors.ts'
import { parseValue } from '../../plugins/params.ts'
import { layOver, nestedSettings, type Scenario, ScenarioSchema } from './scenario.ts'

/**
 * Scenario settings named by a dotted path (`market.adLossTolerance`, `catalog.baseBidShare`), as
 * `bench facts --set` and `--vary` take them, and the plausible range an assumption declares beside
 * its default in the schema (`.meta({ plausible: [low, high], basis })`).
 */

export type SettingValue = number | boolean | string

/** What the schema says about one setting. */
export interface SettingInfo {
  path: string
  /** The schema's default ('' when it has none). */
  defaultValue: unknown
  /** The documented plausible range of an assumption, when it declares one. */
  plausible?: readonly [number, number]
  /** Where the range comes from (a source or "assumption"), in words. */
  basis?: string
}

interface Meta {
  plausible?: [number, number]
  basis?: string
}

type Node = z.core.$ZodType & { meta?: () => Meta | undefined }

/** The schema node at a dotted path, with the metadata and default found on its wrappers; null when there is none. */
function nodeAt(path: string): { node: Node; meta: Meta; defaultValue: unknown } | null {
  let node = ScenarioSchema as unknown as Node
  let meta: Meta = {}
  let defaultValue: unknown
  for (const key of path.split('.')) {
    node = unwrap(node, () => {}).node
    const def = node._zod.def as { type: string; shape?: Record<string, Node>; options?: Node[] }
    const shapes = def.type === 'object' ? [def.shape!] : def.type === 'union' ? unionShapes(def.options!) : []
    const next = shapes.map((shape) => shape[key]).find(Boolean)
    if (!next) return null
    node = next
    meta = {}
    defaultValue = undefined
  }
  const found = unwrap(node, (wrapper) => {
    meta = { ...(wrapper.meta?.() ?? {}), ...meta }
    const def = wrapper._zod.def as { type: string; defaultValue?: unknown }
    if (def.type === 'default' && defaultValue === undefined) defaultValue = def.defaultValue
  })
  return { node: found.node, meta, defaultValue }
}

/** Through defaults, prefaults, optionals and pipes to the schema that checks the value, visiting each wrapper. */
function unwrap(node: Node, visit: (wrapper: Node) => void): { node: Node } {
  for (;;) {
    visit(node)
    const def = node._zod.def as { type: string; innerType?: Node; in?: Node }
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable'].includes(def.type)) node = def.innerType
    else if (def.type === 'pipe' && def.in) node = def.in
    else return { node }
  }
}

function unionShapes(options: Node[]): Record<string, Node>[] {
  return options
    .map((o) => unwrap(o, () => {}).node._zod.def as { type: string; shape?: Record<string, Node> })
    .filter((d) => d.type === 'object')
    .map((d) => d.shape!)
}

/** What the schema says about a setting; an InputError naming the option when the path is not a scenario setting. */
export function settingInfo(path: string, option = '--set', flag = path): SettingInfo {
  const found = nodeAt(path)
  const type = found ? (found.node._zod.def as { type: string }).type : ''
  if (!found || type === 'object')
    throw new InputError(
      `${option} ${flag}: not a scenario setting; expected a dotted path to one value such as ` +
        'market.adLossTolerance or catalog.baseBidShare (bench list shows the documented assumptions)',
    )
  return { path, defaultValue: found.defaultValue, plausible: found.meta.plausible, basis: found.meta.basis }
}

/** Every setting that declares a plausible range, in schema order: the assumptions `--vary` maps by default. */
export function documentedAssumptions(): SettingInfo[] {
  const out: SettingInfo[] = []
  const walk = (node: Node, prefix: string) => {
    const inner = unwrap(node, () => {}).node
    const def = inner._zod.def as { type: string; shape?: Record<string, Node> }
    if (def.type !== 'object') return
    for (const [key, child] of Object.entries(def.shape!)) {
      const path = prefix ? `${prefix}.${key}` : key
      const info = nodeAt(path)
      if (info?.meta.plausible) out.push(settingInfo(path))
      else walk(child, path)
    }
  }
  walk(ScenarioSchema as unknown as Node, '')
  return out
}

/**
 * `PATH=v1,v2,…` (for --vary, `PATH` alone: the ends of its documented plausible range) as the path and its values,
 * each read as --param reads one (JSON, else text); errors name the option and the flag.
 */
export function parseSettingFlag(flag: string, option: '--set' | '--vary'): { path: string; values: SettingValue[] } {
  const eq = flag.indexOf('=')
  const path = eq < 0 ? flag : flag.slice(0, eq)
  const info = settingInfo(path, option, flag)
  if (eq < 0) {
    if (option === '--vary' && info.plausible) return { path, values: [...info.plausible] }
    throw new InputError(
      `${option} ${flag}: expected PATH=${option === '--vary' ? 'v1,v2,…' : 'value'}` +
        (option === '--vary' ? ` (or PATH alone for a setting with a documented plausible range)` : ''),
    )
  }
  const raws = flag.slice(eq + 1).split(',')
  if (raws.some((r) => r.trim() === '') || (option === '--set' && raws.length > 1)) {
    const expected = option === '--set' ? 'one value' : 'a comma-separated list of values, none empty'
    throw new InputError(`${option} ${flag}: expected ${expected}`)
  }
  const values = raws.map(parseValue) as SettingValue[]
  if (new Set(values.map(String)).size < values.length)
    throw new InputError(`${option} ${flag}: a value is listed twice; each runs once`)
  return { path, values }
}

/**
 * The scenario with settings laid over it, validated by the scenario schema (a value out of its range fails naming
 * the setting), and renamed when `name` is given.
 */
export function withSettings(
  scenario: Scenario,
  settings: readonly (readonly [string, SettingValue])[],
  name?: string,
): Scenario {
  if (settings.length === 0) return scenario
  const what = `${scenario.name} with ${settings.map(([p, v]) => `${p}=${v}`).join(', ')}`
  return layOver(scenario, nestedSettings(settings), name ?? scenario.name, what)
}
