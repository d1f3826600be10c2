import { describe, expect, it } from 'vitest'
import { CandidateIndex } from '../bench/market/candidate-index.ts'
import { makeRng } from '../core/rng.ts'

describe('CandidateIndex: which candidate of this session a product is', () => {
  it('answers like a Map of the session, forgets at clear, through collisions and full sessions', () => {
    const capacity = 50
    const index = new CandidateIndex(capacity)
    const rng = makeRng(3, 'candidate-index')
    for (let session = 0; session < 200; session++) {
      index.clear()
      const truth = new Map<number, number>()
      const n = session % 5 === 0 ? capacity : Math.floor(rng() * capacity)
      // Products drawn from a small range in some sessions (many collide in the table), a huge one in others.
      const range = session % 2 ? 120 : 2 ** 30
      while (truth.size < n) {
        const p = Math.floor(rng() * range)
        if (truth.has(p)) continue
        index.add(p, truth.size)
        truth.set(p, truth.size)
      }
      for (const [p, i] of truth) expect(index.indexOf(p)).toBe(i)
      for (let probe = 0; probe < 100; probe++) {
        const p = Math.floor(rng() * range)
        expect(index.indexOf(p)).toBe(truth.get(p) ?? -1)
      }
    }
  })

  it('a product of the session before is not a candidate of this one', () => {
    const index = new CandidateIndex(4)
    expect(index.indexOf(7)).toBe(-1)
    index.clear()
    index.add(7, 0)
    index.add(9, 1)
    expect([index.indexOf(7), index.indexOf(9), index.indexOf(8)]).toEqual([0, 1, -1])
    index.clear()
    index.add(9, 0)
    expect([index.indexOf(7), index.indexOf(9)]).toEqual([-1, 0])
  })
})
