import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { z } from 'zod'
import { InputError, parseOrThrow } from '../../../core/errors.ts'
import { ScenarioNameSchema } from '../../../core/names.ts'
import { kitPath } from '../../../core/paths.ts'
import { CatalogParamsSchema } from '../../../datasets/params.ts'
import { MarketParamsSchema } from '../../market/params.ts'

const SCENARIO_DIR = kitPath('seeds/scenarios')
export const ScenarioSchema = z
  .object({
    name: ScenarioNameSchema,
    description: z.string().default(''),
    /** Where the values came from, by setting (bench calibrate writes it); read by people, not by the engine. */
    provenance: z.record(z.string(), z.string()).optional(),
    /** Base seed: run seed i (0-based) uses seed + i. */
    seed: z.number().int().min(0).default(1),
    catalog: CatalogParamsSchema.prefault({}),
    market: MarketParamsSchema.prefault({}),
  })
  .strict()

export type Scenario = z.infer<typeof ScenarioSchema>

export function presetNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort()
}

/** A preset name (seeds/scenarios/NAME.json) or a path to a user's scenario JSON file. */
export function loadScenario(nameOrPath: string): Scenario {
  const raw = readScenarioFile(resolveScenarioFile(nameOrPath), [])
  return parseOrThrow(ScenarioSchema, raw, `scenario ${nameOrPath}`)
}

function resolveScenarioFile(nameOrPath: string): string {
  const preset = resolve(SCENARIO_DIR, `${nameOrPath}.json`)
  if (/^[a-z0-9-]+$/.test(nameOrPath) && existsSync(preset)) return preset
  if (existsSync(nameOrPath)) return resolve(nameOrPath)
  throw new InputError(`no scenario "${nameOrPath}": not a preset (${presetNames().join(', ')}) nor a file`)
}

/**
 * Reads JSON, following `"extends": "preset-or-path"` (the file's fields override the base's) unless follow is false.
 */
function readScenarioFile(file: string, chain: string[], follow = true): Record<string, unknown> {
  if (chain.includes(file)) throw new InputError(`scenario ${file} extends itself through ${chain.join(' → ')}`)
  const text = readFileSync(file, 'utf8')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new InputError(`scenario ${file} is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError(`scenario ${file} must hold a JSON object`)
  const { extends: base, scale, ...own } = data as Record<string, unknown>
  if (!follow) return data as Record<string, unknown>
  if (base === undefined) {
    if (scale !== undefined) throw new InputError(`scenario ${file}: "scale" multiplies what it extends; add "extends"`)
    return own
  }
  if (typeof base !== 'string') throw new InputError(`scenario ${file}: "extends" must name a preset or a file`)
  const baseFile = base.includes('/') ? resolve(dirname(file), base) : resolveScenarioFile(base)
  const baseRaw = readScenarioFile(baseFile, [...chain, file])
  const scaled = scale === undefined ? {} : scaledSettings(scale, parseOrThrow(ScenarioSchema, baseRaw, baseFile), file)
  return deepMerge(deepMerge(baseRaw, scaled), own)
}

/**
 * A file's `"scale": { "market.sessionsPerRound": 3 }`: each named setting of the scenario it builds on, times the
 * factor (black-friday triples whatever traffic its base has), as settings to lay over that base.
 */
function scaledSettings(scale: unknown, base: Scenario, file: string): Record<string, unknown> {
  const factors = parseOrThrow(z.record(z.string(), z.number().positive()), scale, `scenario ${file}: "scale"`)
  const entries: [string, number][] = []
  for (const [path, factor] of Object.entries(factors)) {
    const value = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], base)
    if (typeof value !== 'number')
      throw new InputError(`scenario ${file}: "scale" names ${path}, which is not a numeric setting`)
    entries.push([path, value * factor])
  }
  return nestedSettings(entries)
}

/** The scenario's value at a dotted path such as market.exit.memory (undefined when unset). */
export function settingOf(scenario: Scenario, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], scenario)
}

/** Dotted-path settings as the nested object a scenario file holds: [["market.rounds", 9]] → {market: {rounds: 9}}. */
export function nestedSettings(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [path, value] of entries) {
    const keys = path.split('.')
    let at = out
    for (const key of keys.slice(0, -1)) {
      at[key] ??= {}
      at = at[key] as Record<string, unknown>
    }
    at[keys[keys.length - 1]] = value
  }
  return out
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key]
    out[key] = isPlainObject(prior) && isPlainObject(value) ? deepMerge(prior, value) : value
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A preset's own settings (not what it extends, nor its name or description) and its scale factors. */
function presetSettings(preset: string): { file: string; scale: unknown; own: Record<string, unknown> } {
  const file = resolveScenarioFile(preset)
  const { extends: _ignored, name: _name, description: _description, scale, ...own } = readScenarioFile(file, [], false)
  return { file, scale, own }
}

/** A scenario with nested settings laid over it, checked by the scenario schema and given `name`. */
export function layOver(base: Scenario, over: Record<string, unknown>, name: string, what: string): Scenario {
  const merged = deepMerge(JSON.parse(JSON.stringify(base)), over)
  return parseOrThrow(ScenarioSchema, { ...merged, name }, `scenario ${what}`)
}

/**
 * `base` with a preset's own settings laid over it (not what that preset extends), its `scale` factors applied to
 * base's values: "+black-friday" on the small scenario is the small market at three times its traffic, with more
 * advertisers and bigger ad budgets.
 */
export function overlayScenario(base: Scenario, preset: string): Scenario {
  const { file, scale, own } = presetSettings(preset)
  const scaled = scale === undefined ? {} : scaledSettings(scale, base, file)
  const name = `${base.name}+${preset}`
  return layOver(base, deepMerge(scaled, own), name, name)
}

/**
 * Whether base already has every setting a preset sets outright (its scale factors aside): base is that preset's kind
 * of scenario (black-friday, or a file extending it), so laying the preset over it again would compare it with itself.
 */
export function hasPresetSettings(base: Scenario, preset: string): boolean {
  const plain = JSON.parse(JSON.stringify(base))
  return JSON.stringify(deepMerge(plain, presetSettings(preset).own)) === JSON.stringify(plain)
}
