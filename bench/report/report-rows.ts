import { parse } from 'csv-parse/sync'
import { unescapeCell } from '../../core/csv.ts'
import { type MetricDef, ROUND_METRICS, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { PALETTE } from './page.ts'
import { type Estimate, estimate } from './stats.ts'

/** What every part of report.html shares: the rows of a results folder, how series are named, coloured and read. */

export type CsvRow = Record<string, string>

/** The headline summary metrics: `bench run` prints them, the sweep and baseline panels show them. */
export const HEADLINE = [
  'gini_exposure',
  'new_seller_exposure_share',
  'seller_survival_rate',
  'conversion_rate',
  'sponsored_impression_share',
  'avg_cpc',
  'take_rate',
  'gmv',
] as const

// Text cells the kit escaped for spreadsheets (a leading ') are shown as they were.
export const readRows = (text: string | undefined): CsvRow[] =>
  text ? parse(text, { columns: true, cast: unescapeCell }) : []

export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const r of rows) {
    const k = key(r)
    const group = groups.get(k)
    if (group) group.push(r)
    else groups.set(k, [r])
  }
  return groups
}

/** The seeds' values of a column; an empty cell is a value the row does not have. */
export const valuesOf = (rows: readonly CsvRow[], column: string) =>
  rows.filter((r) => r[column] !== undefined && r[column] !== '').map((r) => Number(r[column]))
export const estimateOf = (rows: readonly CsvRow[], column: string): Estimate => estimate(valuesOf(rows, column))
/** The values a quantity can take: a share or a rate of 0–1 counts, any other metric shown is a count or money. */
export type Bounds = readonly [number, number]
export const SHARE: Bounds = [0, 1]
const UNIT_METRIC = /gini|share|ndcg|survival_rate|conversion_rate/
const SIGNED_METRIC = /change|effect|surplus|margin/
export const boundsOf = (metric: string): Bounds =>
  UNIT_METRIC.test(metric) ? SHARE : SIGNED_METRIC.test(metric) ? [-Infinity, Infinity] : [0, Infinity]

/**
 * The 95% interval of a mean, cut at the values the quantity can take (the cut interval still covers the true mean
 * whenever the uncut one does, and two seeds' t intervals are wide); null with one seed.
 */
function interval(e: Estimate, [low, high]: Bounds = [-Infinity, Infinity]): [number, number] | null {
  if (Number.isNaN(e.halfWidth)) return null
  return [Math.max(low, e.mean - e.halfWidth), Math.min(high, e.mean + e.halfWidth)]
}

/** {y, yMin, yMax}: the mean and its 95% CI (no whisker with one seed). */
export const withInterval = (e: Estimate, bounds?: Bounds) => {
  const [yMin, yMax] = interval(e, bounds) ?? [e.mean, e.mean]
  return { y: e.mean, yMin, yMax }
}

/** A line of estimates along x: the means, and the 95% band when every x has one. */
export function meanLine(points: readonly { x: number; e: Estimate }[], bounds?: Bounds) {
  const band = points.every((p) => !Number.isNaN(p.e.halfWidth))
    ? points.map((p) => {
        const [low, high] = interval(p.e, bounds)!
        return { x: p.x, low, high }
      })
    : undefined
  return { data: points.map((p) => ({ x: p.x, y: p.e.mean })), band }
}

/** A round axis bound at or above x: 1, 2, 2.5 or 5 times a power of ten. */
export function niceCeiling(x: number): number {
  if (!(x > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(x))
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= x * (1 - 1e-9))!
}

/** The series of a results folder: algorithm (variant) [scenario], one colour each, and how many seeds they have. */
export interface ReportContext {
  series: string[]
  seriesName: (row: CsvRow) => string
  colour: (series: string) => string
  /** The fewest and most seeds a series has in summary.csv. */
  seeds: { min: number; max: number }
}

export function reportContext(summary: readonly CsvRow[]): ReportContext {
  const scenarios = new Set(summary.map((r) => r.scenario))
  // The algorithm, its sweep variant when there is one, and its scenario when the folder holds several.
  const seriesName = (row: CsvRow) =>
    (row.variant ? `${row.algorithm} (${row.variant})` : row.algorithm) +
    (scenarios.size > 1 ? ` [${row.scenario}]` : '')
  const bySeries = groupBy(summary, seriesName)
  const series = [...bySeries.keys()]
  const counts = [...bySeries.values()].map((rows) => new Set(rows.map((r) => r.seed)).size)
  return {
    series,
    seriesName,
    // One colour per series, the same in every chart.
    colour: (name) => PALETTE[Math.max(0, series.indexOf(name)) % PALETTE.length],
    seeds: { min: counts.length ? Math.min(...counts) : 0, max: Math.max(0, ...counts) },
  }
}

const seedCount = ({ min, max }: ReportContext['seeds']) => (min === max ? `${min}` : `${min}–${max}`)

/**
 * How a caption states the uncertainty of means over seeds: a 95% interval over the seeds, or, with one seed, that
 * there is none (so no caption promises a band that is not drawn).
 */
export const intervalNote = (seeds: ReportContext['seeds'], mark: 'band' | 'whiskers') =>
  seeds.max < 2
    ? 'One seed: no interval.'
    : `${mark === 'band' ? 'Band' : 'Whiskers'}: 95% interval of the mean over ${seedCount(seeds)} seeds` +
      ' (cut at the values the metric can take).'

/** Bands behind more lines than this hide each other and the lines: such a chart draws none and says so. */
export const MAX_BANDED_LINES = 4

/** Whether charts with `lines` lines draw bands, and the caption's wording to go with it. */
export function bandsIfReadable(lines: number, seeds: ReportContext['seeds']) {
  if (lines <= MAX_BANDED_LINES || seeds.max < 2) return { bands: true, note: intervalNote(seeds, 'band') }
  return {
    bands: false,
    note:
      `No bands: the 95% bands over ${seedCount(seeds)} seeds of ${lines} lines would hide each other ` +
      '(fewer algorithms, with --algorithms, bring them back).',
  }
}

const DEFINITIONS: readonly MetricDef[] = [...SUMMARY_METRICS, ...ROUND_METRICS, ...THROUGHPUT_METRICS]

/** A metric's reading from its `better` direction in the registry (bench/metrics/definitions.ts). */
export function betterReading(metric: string): string {
  const better = DEFINITIONS.find((m) => m.name === metric)?.better
  if (better === 'higher') return 'higher is better'
  if (better === 'lower') return 'lower is better'
  return 'no better direction: a trade-off or a description'
}

export const definitionOf = (metric: string) => DEFINITIONS.find((m) => m.name === metric)?.definition ?? ''

export const formatNumber = (x: number) =>
  Number.isNaN(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(4)))

/** A chart id made of safe characters (series are numbered rather than named, so two never collide). */
export const chartId = (...parts: (string | number)[]) => parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '_')
