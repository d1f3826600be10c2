import tCdf from '@stdlib/stats-base-dists-t-cdf'
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import padjust from '@stdlib/stats-padjust'

/**
 * Statistics for comparing result reports, seeds being the samples. Pure functions; the
 * distributions come from stdlib. Formulas in docs/COMPARE.md.
 */

/** Significance level of every two-sided test and 1 − the level of every confidence interval. */
export const ALPHA = 0.05
/** Power at which the detectable difference and the seeds needed are worked out. */
export const POWER = 0.8

export function mean(x: readonly number[]): number {
  return x.length === 0 ? NaN : x.reduce((a, b) => a + b, 0) / x.length
}

/** Sample variance with n − 1 in the denominator; NaN for fewer than two values. */
export function sampleVariance(x: readonly number[]): number {
  if (x.length < 2) return NaN
  const m = mean(x)
  return x.reduce((s, v) => s + (v - m) * (v - m), 0) / (x.length - 1)
}

/** Two-sided tail probability P(|T| ≥ |t|) of Student's t with df degrees of freedom (df may be fractional). */
export function studentTTwoSided(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df)
}

/** The t with P(T ≤ t) = p for Student's t with df degrees of freedom. */
export const studentTQuantile = (p: number, df: number): number => tQuantile(p, df)

export interface Estimate {
  n: number
  mean: number
  /** Half-width of the 95% confidence interval: t(0.975, n − 1) × s / √n; NaN for n < 2. */
  halfWidth: number
}

export function estimate(x: readonly number[]): Estimate {
  const n = x.length
  return {
    n,
    mean: mean(x),
    halfWidth: n < 2 ? NaN : studentTQuantile(1 - ALPHA / 2, n - 1) * Math.sqrt(sampleVariance(x) / n),
  }
}

/** A test of the difference B − A of two sets of seeds' values. */
export interface DifferenceTest {
  test: 'paired t' | 'Welch t'
  /** Mean difference B − A. */
  diff: number
  /** Standard error of diff and the degrees of freedom of its t distribution. */
  se: number
  df: number
  /** Two-sided p-value of diff = 0. */
  p: number
  /** The standard deviations behind se: of the per-seed differences (paired), or of each side (Welch). */
  spread: { paired: number } | { a: number; b: number }
}

/** A test whose standard error is 0 is exact: p = 1 when nothing differs, 0 otherwise. */
function tTest(
  test: DifferenceTest['test'],
  diff: number,
  se: number,
  df: number,
  spread: DifferenceTest['spread'],
): DifferenceTest {
  return { test, diff, se, df, p: se === 0 ? (diff === 0 ? 1 : 0) : studentTTwoSided(diff / se, df), spread }
}

/**
 * Paired t-test on per-seed differences d_i = b_i − a_i (same seeds, same markets):
 * t = mean(d) / (s_d / √n), df = n − 1. Null when fewer than two pairs.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): DifferenceTest | null {
  if (a.length !== b.length) throw new Error('pairedTTest: the samples must be pairs')
  if (a.length < 2) return null
  const d = b.map((v, i) => v - a[i])
  const sd = Math.sqrt(sampleVariance(d))
  return tTest('paired t', mean(d), sd / Math.sqrt(d.length), d.length - 1, { paired: sd })
}

/**
 * Welch's unequal-variance t-test of mean(b) − mean(a):
 *   se² = s_a²/n_a + s_b²/n_b,  df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)).
 * Null when either sample has fewer than two values.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): DifferenceTest | null {
  if (a.length < 2 || b.length < 2) return null
  const va = sampleVariance(a) / a.length
  const vb = sampleVariance(b) / b.length
  const se2 = va + vb
  const df =
    se2 === 0 ? a.length + b.length - 2 : (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1))
  return tTest('Welch t', mean(b) - mean(a), Math.sqrt(se2), df, {
    a: Math.sqrt(sampleVariance(a)),
    b: Math.sqrt(sampleVariance(b)),
  })
}

/** The (1 − alpha) confidence interval of the difference: diff ± t(1 − alpha/2, df) × se. */
export function confidenceInterval(t: DifferenceTest, alpha = ALPHA): [number, number] {
  const half = t.se === 0 ? 0 : studentTQuantile(1 - alpha / 2, t.df) * t.se
  return [t.diff - half, t.diff + half]
}

/**
 * (t(1 − α/2, df) + t(power, df)) × se: the shift a two-sided t-test at level alpha detects with
 * probability POWER.
 */
const detectableAt = (se: number, df: number, alpha: number) =>
  (studentTQuantile(1 - alpha / 2, df) + studentTQuantile(POWER, df)) * se

/** The smallest true difference the test's seeds detect with 80% power at level alpha (the usual t approximation). */
export function detectableDifference(t: DifferenceTest, alpha = ALPHA): number {
  return detectableAt(t.se, t.df, alpha)
}

/** Seeds are not searched beyond this: more says "impractical", not a number to plan with. */
export const MAX_SEEDS = 10_000

/**
 * The seeds (per side) that would detect |diff| with 80% power at level alpha, holding the observed
 * spread: the smallest n with detectableDifference(n) ≤ |diff|. Paired: se = s_d/√n, df = n − 1;
 * Welch: se = √((s_a² + s_b²)/n), df = (n − 1)(s_a² + s_b²)² / (s_a⁴ + s_b⁴). Infinity when diff = 0
 * or more than MAX_SEEDS would be needed.
 */
export function seedsNeeded(t: Pick<DifferenceTest, 'diff' | 'spread'>, alpha = ALPHA): number {
  const { diff, spread } = t
  if (diff === 0) return Infinity
  const at = (n: number) => {
    if ('paired' in spread) return detectableAt(spread.paired / Math.sqrt(n), n - 1, alpha)
    const sum = spread.a ** 2 + spread.b ** 2
    if (sum === 0) return 0
    return detectableAt(Math.sqrt(sum / n), ((n - 1) * sum * sum) / (spread.a ** 4 + spread.b ** 4), alpha)
  }
  // detectable(n) falls as n grows: bisect between 2 and MAX_SEEDS.
  if (at(MAX_SEEDS) > Math.abs(diff)) return Infinity
  let lo = 1
  let hi = MAX_SEEDS
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (at(mid) <= Math.abs(diff)) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * Holm's step-down adjustment (Holm 1979) of a family of p-values: the i-th smallest of m becomes
 * max over j ≤ i of min(1, (m − j + 1) p_(j)). Rejecting where the adjusted value is < α keeps the
 * chance of any false rejection in the family at most α.
 */
export function holmAdjust(p: readonly number[]): number[] {
  return p.length === 0 ? [] : padjust([...p], 'holm')
}

/**
 * The level at which Holm's step-down tested each p-value, so that an interval at that level
 * agrees with the Holm verdict: sorted ascending, p_(j) is tested at α/(m − j + 1) while every
 * smaller one was rejected; from the first not rejected, k, on, every later one is shown at k's
 * level α/(m − k + 1), which its p-value (≥ p_(k)) does not pass either.
 */
export function holmLevels(p: readonly number[], alpha = ALPHA): number[] {
  const m = p.length
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b])
  const levels = new Array<number>(m)
  let stopped: number | null = null
  order.forEach((i, j) => {
    const level = alpha / (m - j)
    if (stopped === null && !(p[i] < level)) stopped = level
    levels[i] = stopped ?? level
  })
  return levels
}
