import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { numberCell, readCsv, textCell } from '../../core/csv.ts'
import { describeIssues, InputError } from '../../core/errors.ts'

/**
 * The inputs of `bench compare`: a results folder (summary.csv, throughput.csv, manifest.json) or
 * one of its CSV files, read into seeds' values per algorithm × variant × scenario, with what its
 * manifest says about how it was made.
 */

const KEY_FIELDS = ['algorithm', 'scenario', 'seed'] as const
/** Key columns besides KEY_FIELDS: not metrics. */
const NOT_METRICS = new Set(['variant', 'repeat'])

/** The manifest fields that decide comparability; others (timing, command, cells, …) are passed over. */
const ManifestSchema = z.looseObject({
  kind: z.string().optional(),
  scenario: z.looseObject({ name: z.string(), catalog: z.unknown(), market: z.unknown() }).optional(),
  seeds: z.array(z.number()).optional(),
  catalog: z.unknown().optional(),
  versions: z.looseObject({ trafficbench: z.string().optional() }).optional(),
  algorithms: z
    .array(
      z.looseObject({
        name: z.string(),
        variant: z.string().default(''),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .optional(),
  /** Each run's platform rules as probed by bench run (algorithms/kit/rules-fingerprint.ts). */
  rules: z
    .array(
      z.looseObject({
        algorithm: z.string(),
        variant: z.string().default(''),
        from: z.string(),
        rules: z.record(z.string(), z.string()),
      }),
    )
    .optional(),
})
export type Manifest = z.infer<typeof ManifestSchema>

/**
 * simulation: a manifest with its scenario, so runs can be checked and paired on seeds;
 * log: a manifest without a scenario (computed from an impression log): never paired;
 * unchecked: no manifest.json, so nothing to check; paired on seeds when they line up.
 */
export type InputKind = 'simulation' | 'log' | 'unchecked'

export interface ResultGroup {
  algorithm: string
  variant: string
  scenario: string
  /** The plugin's resolved parameters, from manifest.json; absent without one. */
  params?: Record<string, unknown>
  /** Per seed, the metrics that have a value (an empty cell leaves its metric out); of repeat 1 for timing. */
  samples: Map<number, Record<string, number>>
  /** Per seed, every repeat's value of each timing metric (throughput.csv with `bench run --repeat N`). */
  repeats: Map<number, Record<string, number[]>>
  /** The platform rules the run simulated under, from manifest.json; absent without them. */
  rules?: { from: string; rules: Record<string, string> }
}

export interface ResultInput {
  /** The argument as given. */
  label: string
  files: string[]
  metrics: string[]
  groups: ResultGroup[]
  manifest: Manifest | null
  kind: InputKind
}

const ResultRow = z
  .object({
    algorithm: z.string().min(1),
    scenario: z.string().min(1),
    seed: numberCell(z.number().int()),
    variant: textCell(z.string().default('')),
    repeat: numberCell(z.number().int().min(1).default(1)),
  })
  // An empty cell is a metric that has no value for this row (e.g. a rate over an empty group).
  .catchall(numberCell(z.number().optional()))

function readManifest(file: string): Manifest | null {
  if (!existsSync(file)) return null
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new InputError(`${file} is not valid JSON: ${(err as Error).message}`)
  }
  const parsed = ManifestSchema.safeParse(json)
  if (!parsed.success) throw new InputError(`${file} is not a results manifest: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/**
 * A results folder (its summary.csv, throughput.csv and manifest.json) or one CSV file of one (manifest.json beside it
 * is used).
 */
export function readInput(arg: string): ResultInput {
  if (!existsSync(arg))
    throw new InputError(`${arg}: no such file or folder (expected a results folder, summary.csv or throughput.csv)`)
  const folder = statSync(arg).isDirectory()
  const files = folder ? ['summary.csv', 'throughput.csv'].map((f) => join(arg, f)).filter((f) => existsSync(f)) : [arg]
  if (files.length === 0) throw new InputError(`${arg}: the folder holds neither summary.csv nor throughput.csv`)
  const manifest = readManifest(folder ? join(arg, 'manifest.json') : join(dirname(arg), 'manifest.json'))
  const kind: InputKind = !manifest ? 'unchecked' : manifest.scenario ? 'simulation' : 'log'
  const input: ResultInput = { label: arg, files, metrics: [], groups: [], manifest, kind }
  const groups = new Map<string, ResultGroup>()
  for (const file of files) {
    const { columns, rows } = readCsv(file, KEY_FIELDS, ResultRow)
    if (rows.length === 0) throw new InputError(`${file} has a header but no rows`)
    const metrics = columns.filter((c) => !(KEY_FIELDS as readonly string[]).includes(c) && !NOT_METRICS.has(c))
    input.metrics.push(...metrics.filter((m) => !input.metrics.includes(m)))
    const seen = new Set<string>()
    for (const { line, row } of rows) {
      const key = [row.algorithm, row.variant, row.scenario].join('\u0000')
      const repeat = row.repeat as number
      if (seen.has(`${key}\u0000${row.seed}\u0000${repeat}`))
        throw new InputError(
          `${file} line ${line}: ${describeRow(row)} seed ${row.seed}${repeat > 1 ? ` repeat ${repeat}` : ''} ` +
            'appears twice',
        )
      seen.add(`${key}\u0000${row.seed}\u0000${repeat}`)
      let group = groups.get(key)
      if (!group) {
        const named = (a: { variant: string; algorithm?: string; name?: string }) =>
          (a.name ?? a.algorithm) === row.algorithm && a.variant === row.variant
        const params = manifest?.algorithms?.find(named)?.params
        const rules = manifest?.rules?.find(named)
        group = {
          algorithm: row.algorithm,
          variant: row.variant,
          scenario: row.scenario,
          params,
          rules: rules && { from: rules.from, rules: rules.rules },
          samples: new Map(),
          repeats: new Map(),
        }
        groups.set(key, group)
      }
      const sample = group.samples.get(row.seed) ?? {}
      const repeats = group.repeats.get(row.seed) ?? {}
      for (const m of metrics) {
        if (row[m] === undefined) continue
        if (repeat === 1) sample[m] = row[m] as number
        repeats[m] ??= []
        repeats[m].push(row[m] as number)
      }
      group.samples.set(row.seed, sample)
      group.repeats.set(row.seed, repeats)
    }
  }
  input.groups = [...groups.values()]
  return input
}

/** "amazon (adSlots=0)": an algorithm with its sweep variant when it has one. */
export const runName = (g: Pick<ResultGroup, 'algorithm' | 'variant'>) =>
  g.variant ? `${g.algorithm} (${g.variant})` : g.algorithm

export const describeRow = (g: Pick<ResultGroup, 'algorithm' | 'variant' | 'scenario'>) =>
  `${runName(g)} / ${g.scenario}`

/** JSON with object keys sorted, so that two equal configurations print equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v) ?? 'undefined'
}

export const sameConfiguration = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

/** The first path at which two JSON values differ, with both values; null when equal. */
function firstDifferingPath(a: unknown, b: unknown, path: string): { path: string; a: unknown; b: unknown } | null {
  if (sameConfiguration(a, b)) return null
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const k of keys) {
      const d = firstDifferingPath((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)
      if (d) return d
    }
  }
  return { path, a, b }
}

const show = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : canonical(v))

/**
 * What makes two simulation runs incomparable, in the order checked: the scenario's catalog and
 * market parameters, the catalog source, the kit version, the seed set. Null when they agree.
 * The scenario's ref and description, timing, command line and unknown fields do not count.
 */
export function firstDifference(a: Manifest, b: Manifest): { what: string; a: string; b: string } | null {
  const seeds = (m: Manifest) => [...new Set(m.seeds ?? [])].sort((x, y) => x - y)
  const checks: [string, unknown, unknown][] = [
    ['scenario.catalog', a.scenario?.catalog, b.scenario?.catalog],
    ['scenario.market', a.scenario?.market, b.scenario?.market],
    ['catalog', a.catalog, b.catalog],
    ['versions.trafficbench', a.versions?.trafficbench, b.versions?.trafficbench],
  ]
  for (const [path, x, y] of checks) {
    const d = firstDifferingPath(x, y, path)
    if (d) return { what: d.path, a: show(d.a), b: show(d.b) }
  }
  if (!sameConfiguration(seeds(a), seeds(b))) return { what: 'seeds', a: seeds(a).join(','), b: seeds(b).join(',') }
  return null
}
