import { describe, expect, it } from 'vitest'
import { lorenzCurve } from '../bench/report/html.ts'

describe('lorenz curve', () => {
  it('is the diagonal for equal values and hugs the axis when one holds all', () => {
    expect(lorenzCurve([1, 1, 1, 1]).every((p) => Math.abs(p.y - p.x) < 1e-12)).toBe(true)
    const skewed = lorenzCurve([0, 0, 0, 10])
    expect(skewed.find((p) => p.x === 0.75)!.y).toBe(0)
    expect(skewed.at(-1)).toEqual({ x: 1, y: 1 })
  })
})
