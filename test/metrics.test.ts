import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  gini,
  hhi,
  jaccard,
  median,
  rankPersistence,
  ratio,
  shareOf,
  topShare,
  totalVariationDistance,
} from '../bench/metrics/functions.ts'

describe('metrics against values worked out by hand', () => {
  it('gini', () => {
    // One seller has everything: (n − 1) / n.
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75, 12)
    // Σ|xi − xj| over ordered pairs = 2(1 + 2 + 1) = 8; 2 n Σx = 2·3·6 = 36.
    expect(gini([1, 2, 3])).toBeCloseTo(8 / 36, 12)
    expect(gini([5, 5, 5, 5])).toBe(0)
    expect(gini([0, 0, 0])).toBe(0)
    expect(gini([])).toBe(0)
  })
  it('top share', () => {
    // ⌈5 · 0.1⌉ = 1 seller holds 10 of 20.
    expect(topShare([1, 2, 3, 4, 10], 0.1)).toBeCloseTo(0.5, 12)
    // ⌈5 · 0.4⌉ = 2 sellers hold 14 of 20.
    expect(topShare([1, 2, 3, 4, 10], 0.4)).toBeCloseTo(0.7, 12)
    expect(topShare([0, 0], 0.1)).toBe(0)
  })
  it('hhi in percent squared', () => {
    expect(hhi([50, 50])).toBeCloseTo(5000, 9)
    expect(hhi([1, 1, 1, 1])).toBeCloseTo(2500, 9)
    expect(hhi([0, 7, 0])).toBeCloseTo(10000, 9)
    expect(hhi([0, 0])).toBe(0)
  })
  it('share of a subset', () => {
    expect(shareOf([1, 2, 3, 4], (i) => i % 2 === 0)).toBeCloseTo(4 / 10, 12)
    expect(shareOf([0, 0], () => true)).toBe(0)
  })
  it('total-variation distance of shares', () => {
    // [.5, .5] vs [.25, .75]: ½ (.25 + .25).
    expect(totalVariationDistance([1, 1], [1, 3])).toBeCloseTo(0.25, 12)
    expect(totalVariationDistance([2, 4], [1, 2])).toBeCloseTo(0, 12)
    expect(totalVariationDistance([1, 0], [0, 1])).toBeCloseTo(1, 12)
  })
  it('jaccard ignores padding and is null for two empty lists', () => {
    expect(jaccard([1, 2, 3, -1], [2, 3, 4, -1])).toBeCloseTo(0.5, 12)
    expect(jaccard([-1, -1], [-1, -1])).toBeNull()
    expect(jaccard([5, -1], [-1, -1])).toBe(0)
  })
  it('rank persistence', () => {
    const r0 = Int32Array.from([1, 2, -1, -1])
    const r1 = Int32Array.from([1, 2, 5, -1])
    const r2 = Int32Array.from([2, 3, -1, -1])
    // Δ = min(10, 3 − 1) = 2: only (r0, r2); category 1 is empty in both and skipped.
    expect(rankPersistence([r0, r1, r2], 2, 10)).toBeCloseTo(1 / 3, 12)
    // Δ = 1: (r0,r1): cat0 1, cat1 0; (r1,r2): cat0 1/3, cat1 0 → mean 1/3.
    expect(rankPersistence([r0, r1, r2], 2, 1)).toBeCloseTo((1 + 0 + 1 / 3 + 0) / 4, 12)
    expect(rankPersistence([r0], 2, 10)).toBe(0)
  })
  it('median and ratio', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
    expect(ratio(1, 4)).toBe(0.25)
    expect(ratio(1, 0)).toBe(0)
  })
})

const values = fc.array(fc.float({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), {
  minLength: 1,
  maxLength: 60,
})

describe('metric invariants (property tests)', () => {
  it('gini equals the pairwise definition and lies in [0, (n−1)/n]', () => {
    fc.assert(
      fc.property(values, (x) => {
        const n = x.length
        const total = x.reduce((a, b) => a + b, 0)
        let pairs = 0
        for (const a of x) for (const b of x) pairs += Math.abs(a - b)
        const direct = total === 0 ? 0 : pairs / (2 * n * total)
        const g = gini(x)
        expect(g).toBeCloseTo(direct, 9)
        expect(g).toBeGreaterThanOrEqual(-1e-12)
        expect(g).toBeLessThanOrEqual((n - 1) / n + 1e-12)
      }),
    )
  })
  it('gini is invariant to scaling and order', () => {
    fc.assert(
      fc.property(values, fc.float({ min: Math.fround(0.01), max: 100, noNaN: true }), (x, scale) => {
        expect(gini(x.map((v) => v * scale))).toBeCloseTo(gini(x), 9)
        expect(gini([...x].reverse())).toBeCloseTo(gini(x), 9)
      }),
    )
  })
  it('hhi lies in [10000/n, 10000] and the top ⌈n/10⌉ hold at least their head count share', () => {
    fc.assert(
      fc.property(values, (x) => {
        if (x.every((v) => v === 0)) return
        const h = hhi(x)
        expect(h).toBeGreaterThanOrEqual(10000 / x.length - 1e-6)
        expect(h).toBeLessThanOrEqual(10000 + 1e-6)
        expect(topShare(x, 0.1)).toBeGreaterThanOrEqual(Math.ceil(x.length / 10) / x.length - 1e-9)
      }),
    )
  })
  it('total-variation distance is symmetric, in [0, 1], and 0 against itself', () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const n = Math.min(a.length, b.length)
        const x = a.slice(0, n)
        const y = b.slice(0, n)
        const d = totalVariationDistance(x, y)
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(1 + 1e-12)
        expect(d).toBeCloseTo(totalVariationDistance(y, x), 12)
        expect(totalVariationDistance(x, x)).toBeCloseTo(0, 12)
      }),
    )
  })
})
