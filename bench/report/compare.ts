import { InputError } from '../../core/errors.ts'
import { type Direction, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { baselinePairs, matchInputs, type Pair, relation } from './compare-match.ts'
import { comparabilityLines } from './compare-rules.ts'
import { MIN_TIMING_NOISE, TIMING_METRICS, timingRow } from './compare-timing.ts'
import { type ResultGroup, type ResultInput, runName } from './inputs.ts'
import { groupBy } from './report-rows.ts'
import {
  ALPHA,
  confidenceInterval,
  type DifferenceTest,
  detectableDifference,
  type Estimate,
  estimate,
  holmAdjust,
  holmLevels,
  mean,
  pairedTTest,
  seedsNeeded,
  welchTTest,
} from './stats.ts'

const DIRECTIONS = new Map<string, Direction>(
  [...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => [m.name, m.better]),
)

export type Verdict =
  | 'better'
  | 'worse'
  | 'changed'
  | 'no significant change'
  | 'too few seeds'
  | 'no values'
  | 'within noise'
  | 'not enough timing samples'

/**
 * The family each Holm correction runs over: `pair` (default), the metrics of one (baseline,
 * candidate) pair of rows, so a row's verdict does not depend on what else is in the call; `all`,
 * every test of the invocation.
 */
export const FAMILIES = ['pair', 'all'] as const
export type Family = (typeof FAMILIES)[number]

/**
 * How the two sides' runs relate: `same` (one run, or manifests that agree), `unchecked` (an input
 * without manifest.json), `log` (an input computed from a log: no seeds to pair on), `differs`
 * (manifests disagree; compared only with --allow-mismatch).
 */
export type Config = 'same' | 'unchecked' | 'log' | 'differs'

/** One side of a compared row: which input, which algorithm × variant × scenario, its seeds' estimate. */
export interface Side {
  input: number
  algorithm: string
  variant: string
  scenario: string
  estimate: Estimate | null
}

export interface ComparisonRow {
  baseline: Side
  candidate: Side
  metric: string
  better: Direction
  config: Config
  /** The test of candidate − baseline: paired on shared seeds, Welch otherwise; null when it cannot be run. */
  test: DifferenceTest | null
  /** 95% confidence interval of the difference. */
  ci: [number, number] | null
  /** The interval at the level Holm tested the row at (stats.ts holmLevels): the verdict's interval. */
  ciAdjusted: [number, number] | null
  relDiff: number
  /** Holm-adjusted p-value within the row's family; NaN for timing rows, which are not in one. */
  pAdjusted: number
  /** The row's multiple-comparison family (its pair, or `all`); null for timing rows and rows without a test. */
  family: string | null
  verdict: Verdict
  /** Timing rows: the relative change below which a difference is run-to-run noise. */
  noiseFloor?: number
  /** Timing rows: Welch's test on the logs of the repeats (relDiff is exp(diff) − 1, the ratio of geometric means). */
  ratioTest?: DifferenceTest
  /** The platform rules (fees, markup, …) on which the two runs differ, besides the ranking. */
  rulesDiffer?: string[]
  /**
   * For a row with no significant change: the smallest difference its seeds detect at 80% power, and
   * the seeds that would detect the observed one, both at the Bonferroni level ALPHA / m of the m
   * tests (where Holm's step-down surely rejects).
   */
  detectable?: number
  seedsNeeded?: number
  /** Seeds with a value on one side only, left out of a paired test. */
  unpairedSeeds: number
}

export interface Comparison {
  inputs: { label: string; kind: ResultInput['kind'] }[]
  /** The --baseline row (ALGO or ALGO:VARIANT), or null when the first input is the baseline. */
  baseline: string | null
  metrics: string[]
  rows: ComparisonRow[]
  family: Family
  /** Metrics whose better direction the user set (--better), with it. */
  better: Record<string, Direction>
  /** What differs between compared runs besides the ranking (platform rules), one line each. */
  comparability: string[]
  /** What did not line up: inputs not checked, rows without a counterpart, metrics without values. */
  notes: string[]
}

export interface CompareOptions {
  metrics?: string[]
  /** ALGO or ALGO:VARIANT: compare every other row of every input with this one. */
  baseline?: string
  /** Compare inputs whose manifests disagree (otherwise refused); their rows are marked `differs`. */
  allowMismatch?: boolean
  family?: Family
  /** The better direction of metrics where it is a policy choice, e.g. new_seller_exposure_share: 'higher'. */
  better?: Record<string, Direction>
  /** The smallest noise floor of timing rows, as a relative change (default MIN_TIMING_NOISE). */
  timingNoise?: number
}

/** Seed → value of one metric, for the seeds that have one. */
function values(group: ResultGroup, metric: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const [seed, sample] of group.samples) if (sample[metric] !== undefined) out.set(seed, sample[metric])
  return out
}

function compareRow(pair: Pair, metric: string, link: { pairable: boolean }, row: RowConfig): ComparisonRow {
  const a = values(pair.base.group, metric)
  const b = values(pair.cand.group, metric)
  const shared = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y)
  const paired = link.pairable && shared.length >= 2
  const av = paired ? shared.map((s) => a.get(s)!) : [...a.values()]
  const bv = paired ? shared.map((s) => b.get(s)!) : [...b.values()]
  const test = paired ? pairedTTest(av, bv) : welchTTest(av, bv)
  const baseMean = mean(av)
  return {
    baseline: side(pair.base, av),
    candidate: side(pair.cand, bv),
    metric,
    ...row,
    test,
    ci: test ? confidenceInterval(test) : null,
    ciAdjusted: null,
    relDiff: !test ? NaN : baseMean === 0 ? (test.diff === 0 ? 0 : NaN) : test.diff / Math.abs(baseMean),
    pAdjusted: NaN,
    family: null,
    verdict: !av.length || !bv.length ? 'no values' : 'too few seeds',
    unpairedSeeds: paired ? a.size + b.size - 2 * shared.length : 0,
  }
}

type RowConfig = Pick<ComparisonRow, 'better' | 'config'>

/** One side of a compared row: where it comes from, and its values' estimate. */
export const side = (x: Pair['base'], v: number[]): Side => ({
  input: x.input,
  algorithm: x.group.algorithm,
  variant: x.group.variant,
  scenario: x.group.scenario,
  estimate: v.length ? estimate(v) : null,
})

export const letter = (i: number) => String.fromCharCode(65 + i)

/** "B:amazon vs A:amazon / small"; the input letters when the comparison has several inputs. */
export function describePair(
  row: Pick<ComparisonRow, 'baseline' | 'candidate'>,
  lettered: boolean,
  withScenario = true,
): string {
  const name = (s: Side) => `${lettered ? `${letter(s.input)}:` : ''}${runName(s)}`
  return `${name(row.candidate)} vs ${name(row.baseline)}${withScenario ? ` / ${row.candidate.scenario}` : ''}`
}

export function verdictOf(diff: number, p: number, better: Direction): Verdict {
  if (!(p < ALPHA) || diff === 0) return 'no significant change'
  if (better === 'neither') return 'changed'
  return diff > 0 === (better === 'higher') ? 'better' : 'worse'
}

/**
 * Every metric of every matched pair of rows: with `baseline`, every row of every input against
 * that row; otherwise every input after the first against the first. Refuses (InputError) inputs
 * whose manifests disagree unless allowMismatch.
 */
export function compareInputs(inputs: ResultInput[], opts: CompareOptions = {}): Comparison {
  const notes: string[] = []
  for (const input of inputs) {
    if (input.kind === 'unchecked')
      notes.push(
        `${input.label} has no manifest.json: its configuration is unchecked; rows are paired on seeds as if it ` +
          `were the same run`,
      )
    if (input.kind === 'log')
      notes.push(
        input.manifest?.kind === 'rerank'
          ? `${input.label} re-ranked a log's sessions (bench rerank): its own rows are paired on their seeds (the ` +
              'same sessions and buyer draws), rows of other inputs are compared with them unpaired (Welch)'
          : `${input.label} was computed from a log (no scenario in its manifest): its rows are compared unpaired ` +
              `(Welch), configuration not comparable`,
      )
  }
  for (let i = 0; i < inputs.length; i++) {
    for (let j = i + 1; j < inputs.length; j++) {
      const r = relation(inputs, i, j)
      if (r.config !== 'differs') continue
      if (!opts.allowMismatch)
        throw new InputError(
          `${inputs[i].label} and ${inputs[j].label} are not comparable: ${r.difference} (pass --allow-mismatch ` +
            `to compare them anyway)`,
        )
      notes.push(
        `MISMATCH (--allow-mismatch): ${r.difference}; rows between them are marked "differs"` +
          (r.pairable ? '' : ' and compared unpaired (Welch)'),
      )
    }
  }
  const all = [...new Set(inputs.flatMap((r) => r.metrics))]
  const unknown = (opts.metrics ?? []).filter((m) => !all.includes(m))
  if (unknown.length)
    throw new InputError(`--metrics: no column ${unknown.join(', ')} in the inputs; they have ${all.join(', ')}`)
  const metrics = opts.metrics ?? all
  for (const r of inputs) {
    const missing = metrics.filter((m) => !r.metrics.includes(m))
    if (missing.length) notes.push(`${r.label} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`)
  }
  const pairs = opts.baseline
    ? baselinePairs(inputs, opts.baseline, notes)
    : inputs.slice(1).flatMap((_, k) => matchInputs(inputs, k + 1, notes))
  const unknownBetter = Object.keys(opts.better ?? {}).filter((m) => !metrics.includes(m))
  if (unknownBetter.length)
    throw new InputError(`--better: no metric ${unknownBetter.join(', ')} among those compared (${metrics.join(', ')})`)
  const better = (m: string) => opts.better?.[m] ?? DIRECTIONS.get(m) ?? 'neither'
  const rowsOf = new Map<Pair, ComparisonRow[]>()
  for (const pair of pairs) {
    const link = relation(inputs, pair.base.input, pair.cand.input)
    const pairRows = metrics.map((metric) => {
      const config = { better: better(metric), config: link.config }
      if (TIMING_METRICS.has(metric)) return timingRow(pair, metric, config, opts.timingNoise ?? MIN_TIMING_NOISE)
      const row = compareRow(pair, metric, link, config)
      if (row.test) row.family = opts.family === 'all' ? 'all' : describePair(row, inputs.length > 1)
      return row
    })
    rowsOf.set(pair, pairRows)
  }
  const rows = [...rowsOf.values()].flat()
  adjustFamilies(rows)
  const comparability = comparabilityLines(inputs, pairs, (pair) => rowsOf.get(pair) ?? [])
  const empty = metrics.filter(
    (m) => rows.some((r) => r.metric === m) && rows.every((r) => r.metric !== m || r.verdict === 'no values'),
  )
  if (empty.length) notes.push(`no values to compare for ${empty.join(', ')}`)
  if (!rows.length) notes.push('no rows matched: nothing was compared')
  return {
    inputs: inputs.map((i) => ({ label: i.label, kind: i.kind })),
    baseline: opts.baseline ?? null,
    metrics,
    rows,
    family: opts.family ?? 'pair',
    better: Object.fromEntries(Object.entries(opts.better ?? {})),
    comparability,
    notes,
  }
}

/**
 * Holm within each family: the adjusted p-value, the verdict, the interval at the level the row was
 * tested at (so verdict and shown interval agree), and for rows that could not tell, what the
 * family's seeds detect at the Bonferroni level ALPHA / m (where Holm's step-down surely rejects).
 */
function adjustFamilies(rows: ComparisonRow[]): void {
  const families = groupBy(
    rows.filter((r) => r.family !== null),
    (r) => r.family!,
  )
  for (const family of families.values()) {
    const p = family.map((r) => r.test!.p)
    const levels = holmLevels(p)
    holmAdjust(p).forEach((adjusted, i) => {
      const r = family[i]
      r.pAdjusted = adjusted
      r.verdict = verdictOf(r.test!.diff, adjusted, r.better)
      r.ciAdjusted = confidenceInterval(r.test!, levels[i])
      if (r.verdict !== 'no significant change') return
      r.detectable = detectableDifference(r.test!, ALPHA / family.length)
      r.seedsNeeded = seedsNeeded(r.test!, ALPHA / family.length)
    })
  }
}
