import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { numberCell, readCsv, textCell } from '../../datasets/csv.ts'
import { InputError } from '../../datasets/errors.ts'
import { SUMMARY_METRICS, THROUGHPUT_METRICS, type Direction } from '../metrics/definitions.ts'
import { estimate, mean, welchTTest, type Estimate } from './stats.ts'

/** A difference counts as significant below this two-sided p-value. */
export const ALPHA = 0.05
const KEY_FIELDS = ['algorithm', 'scenario', 'seed'] as const
const DIRECTIONS = new Map<string, Direction>([...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => [m.name, m.better]))

/** Seeds' values of every metric, per algorithm × variant × scenario. */
export interface Report {
  /** The argument as given. */
  label: string
  files: string[]
  metrics: string[]
  groups: Map<string, { algorithm: string; variant: string; scenario: string; samples: Map<number, Record<string, number>> }>
}

const ResultRow = z
  .object({
    algorithm: z.string().min(1),
    scenario: z.string().min(1),
    seed: numberCell(z.number().int()),
    variant: textCell(z.string().default('')),
  })
  .catchall(numberCell(z.number().optional())) // blank: a metric the input cannot define (bench metrics on a log)

/** A results folder (its summary.csv and, if present, throughput.csv) or one of those CSV files. */
export function readReport(arg: string): Report {
  if (!existsSync(arg)) throw new InputError(`${arg}: no such file or folder (expected a results folder, summary.csv or throughput.csv)`)
  const files = statSync(arg).isDirectory() ? ['summary.csv', 'throughput.csv'].map((f) => join(arg, f)).filter((f) => existsSync(f)) : [arg]
  if (files.length === 0) throw new InputError(`${arg}: the folder holds neither summary.csv nor throughput.csv`)
  const report: Report = { label: arg, files, metrics: [], groups: new Map() }
  for (const file of files) {
    const { columns, rows } = readCsv(file, KEY_FIELDS, ResultRow)
    if (rows.length === 0) throw new InputError(`${file} has a header but no rows`)
    const metrics = columns.filter((c) => !(KEY_FIELDS as readonly string[]).includes(c) && c !== 'variant')
    report.metrics.push(...metrics.filter((m) => !report.metrics.includes(m)))
    for (const { line, row } of rows) {
      const key = groupKey(row.algorithm, row.variant, row.scenario)
      const group = report.groups.get(key) ?? { algorithm: row.algorithm, variant: row.variant, scenario: row.scenario, samples: new Map() }
      report.groups.set(key, group)
      const sample = group.samples.get(row.seed) ?? {}
      for (const m of metrics) {
        if (m in sample) throw new InputError(`${file} line ${line}: ${row.algorithm} ${row.variant} ${row.scenario} seed ${row.seed} appears twice`)
        sample[m] = row[m] as number
      }
      group.samples.set(row.seed, sample)
    }
  }
  return report
}

function groupKey(algorithm: string, variant: string, scenario: string): string {
  return `${algorithm}\u0000${variant}\u0000${scenario}`
}

export type Verdict = 'better' | 'worse' | 'changed' | 'no significant change' | 'too few seeds' | 'missing'

export interface Versus {
  estimate: Estimate | null
  /** Against the baseline (the first input); absent for the baseline itself. */
  diff?: number
  relDiff?: number
  p?: number
  verdict?: Verdict
}

export interface ComparisonRow {
  algorithm: string
  variant: string
  scenario: string
  metric: string
  better: Direction
  inputs: Versus[]
}

export interface Comparison {
  labels: string[]
  rows: ComparisonRow[]
  /** Notes on inputs that do not line up: columns or rows present in one input but not another. */
  notes: string[]
}

/** Every metric of every algorithm × variant × scenario, each input against the first (the baseline). */
export function compareReports(reports: Report[], selected?: string[]): Comparison {
  const notes: string[] = []
  const all = [...new Set(reports.flatMap((r) => r.metrics))]
  for (const r of reports) {
    const missing = all.filter((m) => !r.metrics.includes(m))
    if (missing.length) notes.push(`${r.label} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (present in ${reports.filter((o) => o !== r && missing.some((m) => o.metrics.includes(m))).map((o) => o.label).join(', ')})`)
  }
  if (selected) {
    const unknown = selected.filter((m) => !all.includes(m))
    if (unknown.length) throw new InputError(`--metrics: no column ${unknown.join(', ')} in the inputs; they have ${all.join(', ')}`)
  }
  const metrics = selected ?? all
  const keys = [...new Set(reports.flatMap((r) => [...r.groups.keys()]))]
  const rows: ComparisonRow[] = []
  for (const key of keys) {
    const groups = reports.map((r) => r.groups.get(key))
    const { algorithm, variant, scenario } = groups.find(Boolean)!
    groups.forEach((g, i) => {
      if (!g) notes.push(`${reports[i].label} has no rows for ${describeKey(algorithm, variant, scenario)}`)
    })
    for (const metric of metrics) {
      const samples = groups.map((g) => (g ? [...g.samples.values()].map((s) => s[metric]).filter((v) => v !== undefined) : []))
      const better = DIRECTIONS.get(metric) ?? 'neither'
      const base = samples[0]
      const inputs: Versus[] = samples.map((x, i) => {
        const est = x.length ? estimate(x) : null
        if (i === 0) return { estimate: est }
        if (!est || base.length === 0) return { estimate: est, verdict: 'missing' }
        const diff = est.mean - mean(base)
        const relDiff = mean(base) === 0 ? (diff === 0 ? 0 : NaN) : diff / Math.abs(mean(base))
        const { p } = welchTTest(x, base)
        return { estimate: est, diff, relDiff, p, verdict: verdictOf(diff, p, better) }
      })
      rows.push({ algorithm, variant, scenario, metric, better, inputs })
    }
  }
  return { labels: reports.map((r) => r.label), rows, notes }
}

export function verdictOf(diff: number, p: number, better: Direction): Verdict {
  if (Number.isNaN(p)) return 'too few seeds'
  if (!(p < ALPHA) || diff === 0) return 'no significant change'
  if (better === 'neither') return 'changed'
  return (diff > 0) === (better === 'higher') ? 'better' : 'worse'
}

export function describeKey(algorithm: string, variant: string, scenario: string): string {
  return [algorithm, variant, scenario].filter(Boolean).join(' / ')
}

/** A --fail-on entry: the metric fails when it moves in `direction` by more than `limit` (absolute or relative) with p < ALPHA. */
export interface Gate {
  metric: string
  direction: 1 | -1
  limit: number
  relative: boolean
  spec: string
}

/** Parses 'gini_exposure:+0.02,sessions_per_sec:-10%': the sign is the bad direction, % makes the limit relative. */
export function parseGates(spec: string): Gate[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*):([+-])(\d+(?:\.\d+)?)(%?)$/.exec(entry)
      if (!m) throw new InputError(`--fail-on ${entry}: expected metric:+limit or metric:-limit, with an optional %, e.g. gini_exposure:+0.02 or sessions_per_sec:-10%`)
      const [, metric, sign, value, pct] = m
      return { metric, direction: sign === '+' ? 1 : -1, limit: pct ? Number(value) / 100 : Number(value), relative: pct === '%', spec: entry }
    })
}

export interface GateFailure {
  gate: Gate
  row: ComparisonRow
  input: string
  diff: number
  relDiff: number
  p: number
}

/** Gates broken by any non-baseline input: a move in the bad direction beyond the limit, significant at ALPHA. */
export function evaluateGates(comparison: Comparison, gates: Gate[]): GateFailure[] {
  const known = new Set(comparison.rows.map((r) => r.metric))
  for (const g of gates) if (!known.has(g.metric)) throw new InputError(`--fail-on ${g.spec}: no metric ${g.metric} among those compared (${[...known].join(', ')})`)
  const failures: GateFailure[] = []
  for (const row of comparison.rows) {
    for (const gate of gates.filter((g) => g.metric === row.metric)) {
      row.inputs.forEach((v, i) => {
        if (i === 0 || v.diff === undefined || v.p === undefined || !(v.p < ALPHA)) return
        const moved = gate.direction * (gate.relative ? v.relDiff! : v.diff)
        if (moved > gate.limit) failures.push({ gate, row, input: comparison.labels[i], diff: v.diff, relDiff: v.relDiff!, p: v.p })
      })
    }
  }
  return failures
}
