import { describe, expect, it } from 'vitest'
import { compareReports, evaluateGates, parseGates, verdictOf, type Report } from '../bench/report/compare.ts'
import { estimate, incompleteBeta, logGamma, mean, sampleVariance, studentTQuantile, studentTTwoSided, welchTTest } from '../bench/report/stats.ts'

describe('statistics against values worked out by hand', () => {
  it('mean and sample variance', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3)
    // Σ (x − 3)² = 4 + 1 + 0 + 1 + 4 = 10; / (n − 1) = 2.5.
    expect(sampleVariance([1, 2, 3, 4, 5])).toBe(2.5)
    expect(sampleVariance([7])).toBeNaN()
  })
  it('Student t: textbook quantiles and tail probabilities', () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5)
    expect(studentTQuantile(0.975, 8)).toBeCloseTo(2.306004, 5)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 4)
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5) // the normal limit
    // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2 exactly.
    expect(studentTTwoSided(1, 1)).toBeCloseTo(0.5, 12)
    expect(studentTTwoSided(2, 8)).toBeCloseTo(0.080516, 5)
    expect(studentTTwoSided(0, 5)).toBeCloseTo(1, 12)
  })
  it('log-gamma and the incomplete beta', () => {
    expect(Math.exp(logGamma(5))).toBeCloseTo(24, 9)
    expect(Math.exp(2 * logGamma(0.5))).toBeCloseTo(Math.PI, 9)
    // I_x(1, 1) = x; I_x(2, 1) = x².
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12)
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12)
  })
  it('95% confidence interval: mean ± t(0.975, n − 1) s / √n', () => {
    // [1..5]: s = √2.5, s/√5 = 0.707107, × 2.776445 = 1.963243.
    const e = estimate([1, 2, 3, 4, 5])
    expect(e.mean).toBe(3)
    expect(e.halfWidth).toBeCloseTo(1.963243, 5)
    expect(estimate([4]).halfWidth).toBeNaN()
  })
  it("Welch's t and its degrees of freedom", () => {
    // Equal variances 2.5, n = 5: se² = 0.5 + 0.5, t = (3 − 5)/1 = −2; df = 1² / (0.25/4 + 0.25/4) = 8.
    const equal = welchTTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])
    expect(equal.t).toBeCloseTo(-2, 12)
    expect(equal.df).toBeCloseTo(8, 12)
    expect(equal.p).toBeCloseTo(0.080516, 5)
    // Unequal: a = [10, 12, 14] (s² = 4), b = [20, 30] (s² = 50): se² = 4/3 + 25 = 26.3333,
    // t = −13/√26.3333 = −2.533322; df = 26.3333² / ((4/3)²/2 + 25²/1) = 693.444/625.889 = 1.107935.
    const unequal = welchTTest([10, 12, 14], [20, 30])
    expect(unequal.t).toBeCloseTo(-2.533322, 5)
    expect(unequal.df).toBeCloseTo(1.107935, 5)
    // p checked by numerical integration of the t density (0.2193200).
    expect(unequal.p).toBeCloseTo(0.21932, 5)
    // Identical constant samples: no difference at all; different constants: certain.
    expect(welchTTest([2, 2], [2, 2]).p).toBe(1)
    expect(welchTTest([2, 2], [3, 3]).p).toBe(0)
    expect(welchTTest([1], [1, 2]).p).toBeNaN()
  })
})

function report(label: string, rows: Record<string, number>[]): Report {
  const samples = new Map(rows.map((r, i) => [i + 1, r]))
  return { label, files: [label], metrics: Object.keys(rows[0]), groups: new Map([['x', { algorithm: 'amazon', variant: '', scenario: 'small', samples }]]) }
}

describe('comparison verdicts and gates', () => {
  it('verdicts follow each metric’s direction', () => {
    expect(verdictOf(0.1, 0.01, 'higher')).toBe('better')
    expect(verdictOf(0.1, 0.01, 'lower')).toBe('worse')
    expect(verdictOf(-0.1, 0.01, 'lower')).toBe('better')
    expect(verdictOf(0.1, 0.01, 'neither')).toBe('changed')
    expect(verdictOf(0.1, 0.2, 'higher')).toBe('no significant change')
    expect(verdictOf(0.1, NaN, 'higher')).toBe('too few seeds')
  })
  it('compares against the first input and trips a gate only on a significant move past its limit', () => {
    const base = report('A', [{ gini_exposure: 0.5, gmv: 100 }, { gini_exposure: 0.52, gmv: 110 }, { gini_exposure: 0.51, gmv: 90 }])
    const worse = report('B', [{ gini_exposure: 0.6, gmv: 101 }, { gini_exposure: 0.62, gmv: 111 }, { gini_exposure: 0.61, gmv: 91 }])
    const c = compareReports([base, worse])
    const gini = c.rows.find((r) => r.metric === 'gini_exposure')!
    expect(gini.inputs[1].diff).toBeCloseTo(0.1, 12)
    expect(gini.inputs[1].relDiff).toBeCloseTo(0.1 / 0.51, 12)
    expect(gini.inputs[1].verdict).toBe('worse')
    expect(c.rows.find((r) => r.metric === 'gmv')!.inputs[1].verdict).toBe('no significant change')
    expect(evaluateGates(c, parseGates('gini_exposure:+0.05'))).toHaveLength(1)
    expect(evaluateGates(c, parseGates('gini_exposure:+0.2'))).toHaveLength(0)
    expect(evaluateGates(c, parseGates('gini_exposure:+10%'))).toHaveLength(1)
    expect(evaluateGates(c, parseGates('gini_exposure:-0.01'))).toHaveLength(0) // it rose; only a fall is gated
    expect(evaluateGates(compareReports([base, base]), parseGates('gini_exposure:+0'))).toHaveLength(0)
  })
  it('parses gates and refuses malformed ones', () => {
    expect(parseGates('gini_exposure:+0.02,sessions_per_sec:-10%')).toEqual([
      { metric: 'gini_exposure', direction: 1, limit: 0.02, relative: false, spec: 'gini_exposure:+0.02' },
      { metric: 'sessions_per_sec', direction: -1, limit: 0.1, relative: true, spec: 'sessions_per_sec:-10%' },
    ])
    expect(() => parseGates('gini_exposure:0.02')).toThrowError(/expected metric:\+limit or metric:-limit/)
    const c = compareReports([report('A', [{ gmv: 1 }]), report('B', [{ gmv: 1 }])])
    expect(() => evaluateGates(c, parseGates('gini:+1'))).toThrowError(/no metric gini among those compared \(gmv\)/)
  })
})
