import { InputError } from '../../core/errors.ts'
import { type Direction, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import {
  describeRow,
  firstDifference,
  type ResultGroup,
  type ResultInput,
  runName,
  sameConfiguration,
} from './inputs.ts'
import {
  ALPHA,
  confidenceInterval,
  type DifferenceTest,
  detectableDifference,
  type Estimate,
  estimate,
  holmAdjust,
  mean,
  pairedTTest,
  seedsNeeded,
  welchTTest,
} from './stats.ts'

const DIRECTIONS = new Map<string, Direction>(
  [...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => [m.name, m.better]),
)

export type Verdict = 'better' | 'worse' | 'changed' | 'no significant change' | 'too few seeds' | 'no values'

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
  relDiff: number
  /** Holm-adjusted p-value over every test of the comparison. */
  pAdjusted: number
  verdict: Verdict
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
  /** What did not line up: inputs not checked, rows without a counterpart, metrics without values. */
  notes: string[]
}

export interface CompareOptions {
  metrics?: string[]
  /** ALGO or ALGO:VARIANT: compare every other row of every input with this one. */
  baseline?: string
  /** Compare inputs whose manifests disagree (otherwise refused); their rows are marked `differs`. */
  allowMismatch?: boolean
}

interface Pair {
  base: { input: number; group: ResultGroup }
  cand: { input: number; group: ResultGroup }
}

/** How inputs i and j relate, and whether their seeds are the same markets (so rows can be paired on them). */
function relation(
  inputs: ResultInput[],
  i: number,
  j: number,
): { config: Config; pairable: boolean; difference?: string } {
  const [a, b] = [inputs[i], inputs[j]]
  // bench rerank's rows of one folder share their sessions and buyer draws, seed by seed (a round with --blocks).
  if (i === j && a.manifest?.kind === 'rerank') return { config: 'log', pairable: true }
  if (a.kind === 'log' || b.kind === 'log') return { config: 'log', pairable: false }
  if (i === j) return { config: 'same', pairable: true }
  if (a.kind === 'unchecked' || b.kind === 'unchecked') return { config: 'unchecked', pairable: true }
  const d = firstDifference(a.manifest!, b.manifest!)
  if (!d) return { config: 'same', pairable: true }
  // A different kit version or seed set still simulates seed s on the same configuration; a different scenario or
  // catalog does not.
  return {
    config: 'differs',
    pairable: d.what === 'seeds' || d.what.startsWith('versions'),
    difference: `${d.what} is ${d.a} in ${a.label} but ${d.b} in ${b.label}`,
  }
}

/**
 * Matches rows of the baseline input with rows of another, per scenario and algorithm: first the
 * same resolved parameters (a sweep variant meets a --param run), then the same variant label,
 * then the one configuration left on each side (an A/B change of parameters).
 */
function matchInputs(inputs: ResultInput[], j: number, notes: string[]): Pair[] {
  const pairs: Pair[] = []
  const candLeft = [...inputs[j].groups]
  const baseLeft: ResultGroup[] = []
  const bySlot = (g: ResultGroup) => `${g.scenario}\u0000${g.algorithm}`
  for (const slot of new Set(inputs[0].groups.map(bySlot))) {
    const bases = inputs[0].groups.filter((g) => bySlot(g) === slot)
    const cands = candLeft.filter((g) => bySlot(g) === slot)
    const take = (same: (a: ResultGroup, b: ResultGroup) => boolean) => {
      for (const a of [...bases]) {
        const b = cands.find((c) => same(a, c))
        if (!b) continue
        pairs.push({ base: { input: 0, group: a }, cand: { input: j, group: b } })
        bases.splice(bases.indexOf(a), 1)
        cands.splice(cands.indexOf(b), 1)
        candLeft.splice(candLeft.indexOf(b), 1)
      }
    }
    take((a, b) => a.params !== undefined && b.params !== undefined && sameConfiguration(a.params, b.params))
    take((a, b) => a.variant === b.variant)
    if (bases.length === 1 && cands.length === 1) take(() => true)
    baseLeft.push(...bases)
  }
  pairWithLog(inputs, j, baseLeft, candLeft, pairs, notes)
  for (const g of baseLeft)
    notes.push(`${inputs[j].label} has no counterpart for ${describeRow(g)} of ${inputs[0].label}`)
  for (const g of candLeft)
    notes.push(`${inputs[0].label} has no counterpart for ${describeRow(g)} of ${inputs[j].label}`)
  return pairs
}

/**
 * A log is one ranker's traffic under its own name: where one input is a log with a single row in a
 * scenario, the rows the other input left unmatched in that scenario are each compared with it
 * (`compare results/my-shop results/sim`: every simulated algorithm against the log).
 */
function pairWithLog(
  inputs: ResultInput[],
  j: number,
  baseLeft: ResultGroup[],
  candLeft: ResultGroup[],
  pairs: Pair[],
  notes: string[],
): void {
  for (const scenario of new Set([...baseLeft, ...candLeft].map((g) => g.scenario))) {
    const logSide = [0, j].find(
      (i) => inputs[i].kind === 'log' && inputs[i].groups.filter((g) => g.scenario === scenario).length === 1,
    )
    if (logSide === undefined) continue
    const [logLeft, otherLeft] = logSide === 0 ? [baseLeft, candLeft] : [candLeft, baseLeft]
    const log = logLeft.find((g) => g.scenario === scenario)
    const others = otherLeft.filter((g) => g.scenario === scenario)
    if (!log || !others.length) continue
    for (const other of others) {
      const [base, cand] = logSide === 0 ? [log, other] : [other, log]
      pairs.push({ base: { input: 0, group: base }, cand: { input: j, group: cand } })
      otherLeft.splice(otherLeft.indexOf(other), 1)
    }
    logLeft.splice(logLeft.indexOf(log), 1)
    notes.push(`${inputs[logSide].label} is a log: each row of scenario ${scenario} is compared with it`)
  }
}

/**
 * Finds the --baseline row in each scenario: the first input holding ALGO with VARIANT (or, given ALGO alone, its only
 * configuration).
 */
function baselinePairs(inputs: ResultInput[], spec: string, notes: string[]): Pair[] {
  const [algorithm, ...rest] = spec.split(':')
  const variant = rest.length ? rest.join(':') : undefined
  const all = inputs.flatMap((input, i) => input.groups.map((group) => ({ input: i, group })))
  const named = all.filter((x) => x.group.algorithm === algorithm)
  if (!named.length) {
    const algorithms = [...new Set(all.map((x) => x.group.algorithm))].join(', ')
    throw new InputError(`--baseline ${spec}: no rows of ${algorithm} in the inputs (algorithms: ${algorithms})`)
  }
  const variants = [...new Set(named.map((x) => x.group.variant))]
  const chosen = variant ?? (variants.includes('') || variants.length > 1 ? '' : variants[0])
  if (!variants.includes(chosen)) {
    const list = variants.map((v) => (v ? `${algorithm}:${v}` : algorithm)).join(', ')
    const problem =
      variant === undefined ? `${algorithm} has several variants; name one` : `no variant "${variant}" of ${algorithm}`
    throw new InputError(`--baseline ${spec}: ${problem} (the inputs have ${list})`)
  }
  const pairs: Pair[] = []
  for (const scenario of new Set(all.map((x) => x.group.scenario))) {
    const base = named.find((x) => x.group.variant === chosen && x.group.scenario === scenario)
    const others = all.filter((x) => x.group.scenario === scenario && x !== base)
    if (!base) {
      if (others.length) notes.push(`scenario ${scenario} has no ${spec} row to compare with`)
      continue
    }
    for (const cand of others) pairs.push({ base, cand })
  }
  return pairs
}

/** Seed → value of one metric, for the seeds that have one. */
function values(group: ResultGroup, metric: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const [seed, sample] of group.samples) if (sample[metric] !== undefined) out.set(seed, sample[metric])
  return out
}

function compareRow(pair: Pair, metric: string, link: { config: Config; pairable: boolean }): ComparisonRow {
  const a = values(pair.base.group, metric)
  const b = values(pair.cand.group, metric)
  const shared = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y)
  const paired = link.pairable && shared.length >= 2
  const av = paired ? shared.map((s) => a.get(s)!) : [...a.values()]
  const bv = paired ? shared.map((s) => b.get(s)!) : [...b.values()]
  const side = (x: Pair['base'], v: number[]): Side => ({
    input: x.input,
    algorithm: x.group.algorithm,
    variant: x.group.variant,
    scenario: x.group.scenario,
    estimate: v.length ? estimate(v) : null,
  })
  const test = paired ? pairedTTest(av, bv) : welchTTest(av, bv)
  const baseMean = mean(av)
  return {
    baseline: side(pair.base, av),
    candidate: side(pair.cand, bv),
    metric,
    better: DIRECTIONS.get(metric) ?? 'neither',
    config: link.config,
    test,
    ci: test ? confidenceInterval(test) : null,
    relDiff: !test ? NaN : baseMean === 0 ? (test.diff === 0 ? 0 : NaN) : test.diff / Math.abs(baseMean),
    pAdjusted: NaN,
    verdict: !av.length || !bv.length ? 'no values' : 'too few seeds',
    unpairedSeeds: paired ? a.size + b.size - 2 * shared.length : 0,
  }
}

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
  const rows = pairs.flatMap((pair) => {
    const link = relation(inputs, pair.base.input, pair.cand.input)
    return metrics.map((metric) => compareRow(pair, metric, link))
  })
  const tested = rows.filter((r) => r.test)
  holmAdjust(tested.map((r) => r.test!.p)).forEach((p, i) => {
    tested[i].pAdjusted = p
    tested[i].verdict = verdictOf(tested[i].test!.diff, p, tested[i].better)
  })
  // What to do next, for the rows that could not tell.
  const level = ALPHA / tested.length
  for (const r of tested.filter((x) => x.verdict === 'no significant change')) {
    r.detectable = detectableDifference(r.test!, level)
    r.seedsNeeded = seedsNeeded(r.test!, level)
  }
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
    notes,
  }
}
