import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  confidenceInterval,
  detectableDifference,
  estimate,
  holmAdjust,
  mean,
  pairedTTest,
  sampleVariance,
  seedsNeeded,
  studentTQuantile,
  studentTTwoSided,
  welchTTest,
} from '../bench/report/stats.ts'

// Student's sleep data (Cushny & Peebles 1905), R's `sleep`: extra hours of sleep under two drugs, same ten patients.
const DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
const DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

describe('statistics against hand-worked and published values', () => {
  it('mean and sample variance', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3)
    // Σ (x − 3)² = 4 + 1 + 0 + 1 + 4 = 10; / (n − 1) = 2.5.
    expect(sampleVariance([1, 2, 3, 4, 5])).toBe(2.5)
    expect(sampleVariance([7])).toBeNaN()
  })

  it('Student t: textbook quantiles and tail probabilities (from stdlib)', () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5)
    expect(studentTQuantile(0.975, 8)).toBeCloseTo(2.306004, 5)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 4)
    expect(studentTQuantile(0.8, 9)).toBeCloseTo(0.883404, 5)
    // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2 exactly.
    expect(studentTTwoSided(1, 1)).toBeCloseTo(0.5, 12)
    expect(studentTTwoSided(2, 8)).toBeCloseTo(0.080516, 5)
    expect(studentTTwoSided(0, 5)).toBe(1)
  })

  it('95% confidence interval of a mean: mean ± t(0.975, n − 1) s / √n', () => {
    // [1..5]: s = √2.5, s/√5 = 0.707107, × 2.776445 = 1.963243.
    const e = estimate([1, 2, 3, 4, 5])
    expect(e.mean).toBe(3)
    expect(e.halfWidth).toBeCloseTo(1.963243, 5)
    expect(estimate([4]).halfWidth).toBeNaN()
  })

  it('paired t by hand: d = b − a per seed', () => {
    // d = [0.5, 0.2, 0.1, 0.9, 0]: mean 0.34, Σ(d − 0.34)² = 0.532, s² = 0.133, se = √(0.133/5) = 0.163095,
    // t = 2.084674 on 4 df; CI half-width 2.776445 × 0.163095 = 0.452823.
    const t = pairedTTest([1, 2, 3, 4, 5], [1.5, 2.2, 3.1, 4.9, 5.0])!
    expect(t.test).toBe('paired t')
    expect(t.diff).toBeCloseTo(0.34, 12)
    expect(t.se).toBeCloseTo(0.163095, 6)
    expect(t.df).toBe(4)
    expect(t.diff / t.se).toBeCloseTo(2.084674, 5)
    expect(t.p).toBeCloseTo(0.105464, 5)
    const [lo, hi] = confidenceInterval(t)
    expect(lo).toBeCloseTo(0.34 - 0.452823, 5)
    expect(hi).toBeCloseTo(0.34 + 0.452823, 5)
  })

  it('paired and Welch t on the sleep data, as R prints them', () => {
    // t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p = 0.002833, CI -2.4598858 -0.7001142.
    const paired = pairedTTest(DRUG2, DRUG1)!
    expect(paired.diff).toBeCloseTo(-1.58, 12)
    expect(paired.diff / paired.se).toBeCloseTo(-4.0621, 4)
    expect(paired.p).toBeCloseTo(0.002833, 6)
    const [lo, hi] = confidenceInterval(paired)
    expect(lo).toBeCloseTo(-2.4598858, 6)
    expect(hi).toBeCloseTo(-0.7001142, 6)
    // t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939, CI -3.3654832 0.2054832.
    const welch = welchTTest(DRUG2, DRUG1)!
    expect(welch.diff / welch.se).toBeCloseTo(-1.8608, 4)
    expect(welch.df).toBeCloseTo(17.776, 3)
    expect(welch.p).toBeCloseTo(0.07939, 5)
    expect(confidenceInterval(welch)[0]).toBeCloseTo(-3.3654832, 6)
    // The same numbers, unpaired, cannot tell at 5%; paired they can.
    expect(welch.p).toBeGreaterThan(0.05)
    expect(paired.p).toBeLessThan(0.01)
  })

  it("Welch's t by hand with unequal variances and sizes", () => {
    // a = [20, 30] (s² = 50), b = [10, 12, 14] (s² = 4): se² = 25 + 4/3 = 26.3333,
    // t = −13/√26.3333 = −2.533322;
    // df = 26.3333² / (25²/1 + (4/3)²/2) = 693.444/625.889 = 1.107935; p by integrating the t density: 0.2193200.
    const t = welchTTest([20, 30], [10, 12, 14])!
    expect(t.diff / t.se).toBeCloseTo(-2.533322, 5)
    expect(t.df).toBeCloseTo(1.107935, 5)
    expect(t.p).toBeCloseTo(0.21932, 5)
  })

  it('zero spread: an exact difference; too few values: no test', () => {
    expect(welchTTest([2, 2], [2, 2])!.p).toBe(1)
    expect(welchTTest([2, 2], [3, 3])!.p).toBe(0)
    expect(pairedTTest([1, 2, 3], [1.5, 2.5, 3.5])!.p).toBe(0) // d = 0.5 on every seed
    expect(confidenceInterval(pairedTTest([1, 2, 3], [1.5, 2.5, 3.5])!)).toEqual([0.5, 0.5])
    expect(pairedTTest([1, 2, 3], [1, 2, 3])!.p).toBe(1)
    expect(welchTTest([1], [1, 2])).toBeNull()
    expect(pairedTTest([1], [2])).toBeNull()
  })

  it('Holm adjustment by hand', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02].map((x) => expect.closeTo(x, 12)))
    // 0.008 × 5 = 0.04, 0.03 × 4 = 0.12, 0.123 × 3 = 0.369, 0.2 × 2 = 0.4, 0.6 × 1 = 0.6.
    expect(holmAdjust([0.008, 0.03, 0.123, 0.6, 0.2])).toEqual(
      [0.04, 0.12, 0.369, 0.6, 0.4].map((x) => expect.closeTo(x, 12)),
    )
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1].map((x) => expect.closeTo(x, 12)))
    expect(holmAdjust([])).toEqual([])
  })

  it('power: the seeds a two-sided t-test needs at α = 0.05 and 80% power, as G*Power and Cohen tabulate', () => {
    // Paired (one-sample) t, effect d = Δ/σ_d: d = 1 → 10 pairs, d = 0.5 → 34 pairs (G*Power).
    expect(seedsNeeded({ diff: 1, spread: { paired: 1 } })).toBe(10)
    expect(seedsNeeded({ diff: -0.5, spread: { paired: 1 } })).toBe(34)
    // Two samples, equal σ: d = 0.5 → 64 per group, d = 0.8 → 26 per group (Cohen 1988, table 2.4.1).
    expect(seedsNeeded({ diff: 0.5, spread: { a: 1, b: 1 } })).toBe(64)
    expect(seedsNeeded({ diff: 0.8, spread: { a: 1, b: 1 } })).toBe(26)
    // At 10 pairs with σ_d = 1 the detectable shift is (2.262157 + 0.883404) / √10 = 0.994714.
    const ten = pairedTTest(
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [1, -1, 1, -1, 1, -1, 1, -1, 1, -1].map((x) => x * Math.sqrt(0.9)),
    )!
    expect(ten.spread).toEqual({ paired: expect.closeTo(1, 12) })
    expect(detectableDifference(ten)).toBeCloseTo(0.994714, 5)
    // A stricter level needs more seeds; no difference can never be detected.
    expect(seedsNeeded({ diff: 1, spread: { paired: 1 } }, 0.005)).toBeGreaterThan(10)
    expect(seedsNeeded({ diff: 0, spread: { paired: 1 } })).toBe(Infinity)
    expect(seedsNeeded({ diff: 1e-9, spread: { paired: 1 } })).toBe(Infinity)
  })
})

describe('statistics: properties', () => {
  const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 12 })
  const pairs = sample.chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: a.length, maxLength: a.length }),
    ),
  )

  it(
    'the paired test depends only on the differences: swapping sides flips Δ; ' +
      'a shift of both sides changes nothing',
    () => {
      fc.assert(
        fc.property(pairs, fc.double({ min: -100, max: 100, noNaN: true }), ([a, b], shift) => {
          const t = pairedTTest(a, b)!
          const swapped = pairedTTest(b, a)!
          expect(swapped.diff).toBeCloseTo(-t.diff, 6)
          expect(swapped.p).toBeCloseTo(t.p, 6)
          const moved = pairedTTest(
            a.map((x) => x + shift),
            b.map((x) => x + shift),
          )!
          expect(moved.diff).toBeCloseTo(t.diff, 6)
          expect(t.p).toBeGreaterThanOrEqual(0)
          expect(t.p).toBeLessThanOrEqual(1)
        }),
      )
    },
  )

  it('the confidence interval excludes 0 exactly when p < α', () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const t = pairedTTest(a, b)!
        fc.pre(t.se > 0 && Math.abs(t.p - 0.05) > 1e-9)
        const [lo, hi] = confidenceInterval(t)
        expect(lo > 0 || hi < 0).toBe(t.p < 0.05)
      }),
    )
  })

  it('Holm: adjusted ≥ raw, ≤ 1, and in the same order as the raw p-values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), (p) => {
        const adjusted = holmAdjust(p)
        p.forEach((x, i) => {
          expect(adjusted[i]).toBeGreaterThanOrEqual(x - 1e-15)
          expect(adjusted[i]).toBeLessThanOrEqual(1)
          p.forEach((y, j) => {
            if (x < y) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j] + 1e-15)
          })
        })
      }),
    )
  })

  it('seeds needed: the smallest n whose detectable shift reaches |Δ|', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        (diff, sd) => {
          const n = seedsNeeded({ diff, spread: { paired: sd } })
          fc.pre(Number.isFinite(n))
          const detectable = (k: number) =>
            detectableDifference({
              test: 'paired t',
              diff,
              se: sd / Math.sqrt(k),
              df: k - 1,
              p: NaN,
              spread: { paired: sd },
            })
          expect(detectable(n)).toBeLessThanOrEqual(diff + 1e-12)
          if (n > 2) expect(detectable(n - 1)).toBeGreaterThan(diff)
        },
      ),
    )
  })
})
