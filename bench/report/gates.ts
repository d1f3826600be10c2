import { InputError } from '../../core/errors.ts'
import { type Comparison, type ComparisonRow, describePair, letter } from './compare.ts'
import { ALPHA, confidenceInterval } from './stats.ts'

/**
 * A --fail-on entry: the metric must not move in `direction` by more than `limit` (absolute, or relative to the
 * baseline mean).
 */
export interface Gate {
  /** Only rows whose candidate this names (algorithm, algorithm:variant, input label or letter); all when absent. */
  candidate?: string
  metric: string
  direction: 1 | -1
  limit: number
  relative: boolean
  spec: string
}

export type GateStatus = 'pass' | 'fail' | 'inconclusive'

export interface GateCheck {
  row: ComparisonRow
  status: GateStatus
  /** The difference (relative to the baseline mean when the gate is) and its simultaneous confidence interval. */
  moved: number
  interval: [number, number] | null
  reason: string
}

export interface GateResult {
  gate: Gate
  status: GateStatus
  reason: string
  checks: GateCheck[]
}

/**
 * Parses 'gini_exposure:+0.02,mine:sessions_per_sec:-10%': the sign is the bad direction, % makes the limit
 * relative, an optional leading NAME: scopes the gate to rows whose candidate it names (else to `candidate`).
 */
export function parseGates(spec: string, candidate?: string): Gate[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(?:(.+):)?([A-Za-z_][A-Za-z0-9_]*):([+-])(\d+(?:\.\d+)?)(%?)$/.exec(entry)
      if (!m)
        throw new InputError(
          `--fail-on ${entry}: expected [candidate:]metric:+limit or [candidate:]metric:-limit, with an optional %, ` +
            'e.g. gini_exposure:+0.02, mine:gini_exposure:+0.02 or rank_p99_us:+10%',
        )
      const [, scope, metric, sign, value, pct] = m
      return {
        candidate: scope ?? candidate,
        metric,
        direction: sign === '+' ? 1 : -1,
        limit: pct ? Number(value) / 100 : Number(value),
        relative: pct === '%',
        spec: entry,
      }
    })
}

const signed = (x: number, relative: boolean) =>
  (x >= 0 ? '+' : '') + (relative ? `${Number((100 * x).toPrecision(3))}%` : String(Number(x.toPrecision(3))))
const limitText = (g: Gate) => signed(g.direction * g.limit, g.relative)

/**
 * One gated row, on the difference (relative to the baseline mean when the gate is) and its
 * interval: `fail` when the whole interval lies beyond the limit in the gate's bad direction,
 * `pass` when it lies within, `inconclusive` when it straddles the limit or no test could be run.
 */
function check(gate: Gate, row: ComparisonRow, alpha: number): GateCheck {
  if (!row.test)
    return {
      row,
      status: 'inconclusive',
      moved: NaN,
      interval: null,
      reason:
        row.verdict === 'no values'
          ? 'no values on one side'
          : row.verdict === 'not enough timing samples'
            ? 'timing without repeats on both sides (bench run --repeat N)'
            : 'too few seeds for a test',
    }
  const base = Math.abs(row.baseline.estimate!.mean)
  const scale = gate.relative ? 1 / base : 1
  if (!Number.isFinite(scale))
    return {
      row,
      status: 'inconclusive',
      moved: NaN,
      interval: null,
      reason: 'the baseline mean is 0: no relative change',
    }
  // Timing moves as a ratio (Welch on logs): its interval is exp(·) − 1, times the baseline mean for an absolute gate.
  const ratio = row.ratioTest
  const interval = (
    ratio
      ? confidenceInterval(ratio, alpha).map((x) => Math.expm1(x) * base * scale)
      : confidenceInterval(row.test, alpha).map((x) => scale * x)
  ) as [number, number]
  const moved = ratio ? row.relDiff * base * scale : scale * row.test.diff
  // A timing change inside the run-to-run noise is no evidence of a regression, whatever the limit.
  if (row.verdict === 'within noise' && Math.abs(row.relDiff) <= row.noiseFloor!)
    return {
      row,
      status: 'pass',
      moved,
      interval,
      reason: `Δ ${signed(row.relDiff, true)} within the noise floor ±${signed(row.noiseFloor!, true).slice(1)}`,
    }
  // The bad-direction move: positive when the metric went the way the gate guards against.
  const [worst, best] = gate.direction > 0 ? [interval[0], interval[1]] : [-interval[1], -interval[0]]
  const [low, high] = interval.map((x) => signed(x, gate.relative))
  const range = `Δ ${signed(moved, gate.relative)} [${low}, ${high}]`
  const limit = limitText(gate)
  // Timing fails a gate only when its change also clears the noise floor (its verdict is not `within noise`).
  if (worst > gate.limit && row.verdict === 'within noise')
    return {
      row,
      status: 'inconclusive',
      moved,
      interval,
      reason: `${range}, not told apart from the run-to-run noise`,
    }
  if (worst > gate.limit) return { row, status: 'fail', moved, interval, reason: `${range}, all beyond ${limit}` }
  if (best <= gate.limit) return { row, status: 'pass', moved, interval, reason: `${range}, within ${limit}` }
  return {
    row,
    status: 'inconclusive',
    moved,
    interval,
    reason: `${range} includes ${limit}; more seeds would narrow it`,
  }
}

/**
 * Every gate over the rows of its metric. The intervals are simultaneous: each at 1 − ALPHA / k for
 * the k gated rows (Bonferroni), so all k hold together with 95% confidence. A gate fails when any
 * row fails or when it matched no row; else it is inconclusive when any row is; else it passes.
 */
export function evaluateGates(comparison: Comparison, gates: Gate[]): GateResult[] {
  const unknown = gates.filter((g) => !comparison.metrics.includes(g.metric))
  if (unknown.length)
    throw new InputError(
      `--fail-on ${unknown[0].spec}: no metric ${unknown[0].metric} among those compared ` +
        `(${comparison.metrics.join(', ')})`,
    )
  const lettered = comparison.inputs.length > 1
  const named = (g: Gate, r: ComparisonRow) => {
    if (g.candidate === undefined) return true
    const c = r.candidate
    const names = [c.algorithm, `${c.algorithm}:${c.variant}`, letter(c.input), comparison.inputs[c.input].label]
    return names.includes(g.candidate)
  }
  const gated = gates.map((g) => comparison.rows.filter((r) => r.metric === g.metric && named(g, r)))
  const k = gated.reduce((s, rows) => s + rows.length, 0)
  return gates.map((gate, i) => {
    const checks = gated[i].map((row) => check(gate, row, ALPHA / k))
    if (!checks.length)
      return {
        gate,
        status: 'fail',
        reason:
          gate.candidate === undefined
            ? 'matched no rows: nothing was compared for this metric (see the notes)'
            : `matched no rows: no compared row has candidate ${gate.candidate} (candidates: ` +
              `${[...new Set(comparison.rows.map((r) => r.candidate.algorithm))].join(', ')})`,
        checks,
      }
    const first = (s: GateStatus) => checks.find((c) => c.status === s)
    const status: GateStatus = first('fail') ? 'fail' : first('inconclusive') ? 'inconclusive' : 'pass'
    const worst = first(status)!
    const reason =
      status === 'pass' ? passReason(gate, checks, k) : `${describePair(worst.row, lettered)}: ${worst.reason}`
    return { gate, status, reason, checks }
  })
}

/** Why a gate passed: its rows, and the outermost bounds of their intervals (simultaneous, at 1 − ALPHA / k). */
function passReason(gate: Gate, checks: GateCheck[], k: number): string {
  const low = signed(Math.min(...checks.map((c) => c.interval![0])), gate.relative)
  const high = signed(Math.max(...checks.map((c) => c.interval![1])), gate.relative)
  const rows = `${checks.length} row${checks.length > 1 ? 's' : ''}`
  const level = `${Number((100 * (1 - ALPHA / k)).toPrecision(4))}% intervals, ${k} gated row${k > 1 ? 's' : ''}`
  return `${rows} within ${limitText(gate)} (interval bounds ${low} to ${high}; ${level})`
}

/** One line per gate, for stderr. */
export function describeGates(results: GateResult[]): string {
  return results.map((r) => `fail-on ${r.gate.spec}: ${r.status} — ${r.reason}`).join('\n')
}
