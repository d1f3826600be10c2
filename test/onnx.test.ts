import { describe, expect, it } from 'vitest'
import { Slots } from '../algorithms/kit/slots.ts'
import onnx from '../algorithms/on-demand/onnx.ts'
import { searchSession } from '../bench/check/session.ts'
import { makeRng } from '../core/rng.ts'
import { tinyMarket } from '../datasets/tiny.ts'

// examples/onnx/linear.onnx (made by make_linear.py): score = 2 relevance − 0.25 log price + 0.1 rating + 0.5.
const MODEL = 'examples/onnx/linear.onnx'

describe('the onnx plugin', () => {
  it('ranks each session of a batch by the model score of its features', async () => {
    const prices = [10, 40, 5, 80]
    const market = tinyMarket(
      [{}],
      prices.map((price, i) => ({ seller: 0, price, reviews: i, ratingSum: i * 4 })),
    )
    const params = onnx.params.parse({ model: MODEL, features: ['relevance', 'log:products.price', 'rating'] })
    const ranker = onnx.create({ market, params, rng: makeRng(1, 't'), k: 4 })
    const relevance = [
      [0.5, 0.52, 0.3, 0.9],
      [0.1, 0.1, 0.1, 0.1],
    ]
    const sessions = relevance.map((r) => searchSession([0, 1, 2, 3], r, 4))
    const slots = sessions.map(() => new Slots(4))
    await ranker.rankBatch!(sessions, slots)
    const rating = (i: number) => (i * 4 + 3.5 * 3) / (i + 3)
    for (const [j, r] of relevance.entries()) {
      const score = (i: number) => Math.fround(2 * r[i] - 0.25 * Math.log(prices[i]) + 0.1 * rating(i) + 0.5)
      const expected = [0, 1, 2, 3].sort((a, b) => score(b) - score(a) || a - b)
      expect(Array.from(slots[j].products.subarray(0, slots[j].count))).toEqual(expected)
    }
  })

  it('asks for its model: without one the plugin refuses its parameters, naming the flag', () => {
    expect(onnx.validate?.(onnx.params.parse({}), { k: 20 })).toEqual({
      key: 'model',
      message: 'give the path of an ONNX model: --param onnx.model=PATH',
    })
    expect(onnx.paramFiles?.(onnx.params.parse({ model: 'm.onnx' }))).toEqual(['m.onnx'])
  })
})
