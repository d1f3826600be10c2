import { expect, it } from 'vitest'
import { percentile } from '../bench/check/conformance.ts'

it('percentile is the nearest rank', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
  expect(percentile(sorted, 50)).toBe(50)
  expect(percentile(sorted, 99)).toBe(99)
  expect(percentile([7], 99)).toBe(7)
  expect(percentile([1, 2, 3], 50)).toBe(2)
})
