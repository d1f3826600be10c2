/**
 * Statistics for comparing result reports, seeds being the samples. Pure functions; formulas in
 * bench/METRICS.md § comparing runs.
 */

export function mean(x: readonly number[]): number {
  return x.length === 0 ? NaN : x.reduce((a, b) => a + b, 0) / x.length
}

/** Sample variance with n − 1 in the denominator; NaN for fewer than two values. */
export function sampleVariance(x: readonly number[]): number {
  if (x.length < 2) return NaN
  const m = mean(x)
  return x.reduce((s, v) => s + (v - m) * (v - m), 0) / (x.length - 1)
}

/** ln Γ(z) for z > 0 (Lanczos approximation, g = 7, 9 terms; ~15 significant digits). */
export function logGamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z)
  z -= 1
  let x = c[0]
  for (let i = 1; i < 9; i++) x += c[i] / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x)
}

/** Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a)
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  d = 1 / (Math.abs(d) < tiny ? tiny : d)
  let f = d
  for (let m = 1; m <= 300; m++) {
    for (const even of [true, false]) {
      const num = even ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)) : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
      d = 1 + num * d
      d = 1 / (Math.abs(d) < tiny ? tiny : d)
      c = 1 + num / c
      if (Math.abs(c) < tiny) c = tiny
      f *= c * d
    }
    if (Math.abs(c * d - 1) < 1e-15) break
  }
  return (front * f) / a
}

/** Two-sided tail probability P(|T| ≥ |t|) of Student's t with df degrees of freedom (df may be fractional). */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0
  return incompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** The t with P(T ≤ t) = p for Student's t with df degrees of freedom (p in (0.5, 1)), by bisection. */
export function studentTQuantile(p: number, df: number): number {
  const tail = 2 * (1 - p)
  let lo = 0
  let hi = 1
  while (studentTTwoSided(hi, df) > tail) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2
    if (studentTTwoSided(mid, df) > tail) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

export interface Estimate {
  n: number
  mean: number
  /** Half-width of the 95% confidence interval: t(0.975, n − 1) × s / √n; NaN for n < 2. */
  halfWidth: number
}

export function estimate(x: readonly number[], level = 0.95): Estimate {
  const n = x.length
  const halfWidth = n < 2 ? NaN : studentTQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(sampleVariance(x) / n)
  return { n, mean: mean(x), halfWidth }
}

export interface WelchResult {
  t: number
  df: number
  /** Two-sided p-value; NaN when either sample has fewer than two values. */
  p: number
}

/**
 * Welch's unequal-variance t-test of mean(a) − mean(b):
 *   t = (m_a − m_b) / √(s_a²/n_a + s_b²/n_b),
 *   df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)).
 * When both samples have zero variance the difference is exact: p = 1 if the means are equal, else 0.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  if (a.length < 2 || b.length < 2) return { t: NaN, df: NaN, p: NaN }
  const va = sampleVariance(a) / a.length
  const vb = sampleVariance(b) / b.length
  const diff = mean(a) - mean(b)
  const se2 = va + vb
  if (se2 === 0) return diff === 0 ? { t: 0, df: a.length + b.length - 2, p: 1 } : { t: diff > 0 ? Infinity : -Infinity, df: a.length + b.length - 2, p: 0 }
  const t = diff / Math.sqrt(se2)
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1))
  return { t, df, p: studentTTwoSided(t, df) }
}
