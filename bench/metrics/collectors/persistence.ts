import { topK } from '../../../algorithms/kit/topk.ts'
import { defineCollector } from '../../market/stream.ts'

/** How many products per category and round count as its "top" for rank persistence. */
export const TOP_PER_CATEGORY = 10

/**
 * Per round number, each category's TOP_PER_CATEGORY products with the most exposure that round (−1
 * padded; ties to the earlier product in catalog order); a round the source did not have is all −1.
 */
export const topProducts = defineCollector({
  name: 'top-products',
  needs: ['category'],
  create({ tables: { categories } }) {
    let largest = 0
    for (let c = 0; c < categories.count; c++)
      largest = Math.max(largest, categories.start[c + 1] - categories.start[c])
    const scores = new Float64Array(largest)
    const order = new Int32Array(TOP_PER_CATEGORY)
    const width = categories.count * TOP_PER_CATEGORY
    const rounds: Int32Array[] = []
    return {
      roundEnd(v) {
        const top = new Int32Array(width).fill(-1)
        for (let c = 0; c < categories.count; c++) {
          const start = categories.start[c]
          const n = categories.start[c + 1] - start
          for (let j = 0; j < n; j++) {
            const e = v.exposure[categories.products[start + j]]
            scores[j] = e > 0 ? e : -Infinity
          }
          const got = topK(scores, n, TOP_PER_CATEGORY, order)
          for (let i = 0; i < got; i++) top[c * TOP_PER_CATEGORY + i] = categories.products[start + order[i]]
        }
        while (rounds.length < v.round) rounds.push(new Int32Array(width).fill(-1))
        rounds[v.round] = top
      },
      result: () => rounds,
    }
  },
})

/**
 * Per round number, each category's listed products at the round's end (which categories rank
 * persistence can judge); a log lists every product it shows, throughout.
 */
export const listedPerCategory = defineCollector({
  name: 'listed-per-category',
  needs: ['category'],
  create({ tables: { categories }, listed }) {
    const rounds: Int32Array[] = []
    const count = () => {
      const perCategory = new Int32Array(categories.count)
      for (let c = 0; c < categories.count; c++)
        for (let j = categories.start[c]; j < categories.start[c + 1]; j++)
          perCategory[c] += listed[categories.products[j]]
      return perCategory
    }
    return {
      roundEnd(v) {
        const now = count()
        while (rounds.length < v.round) rounds.push(now)
        rounds[v.round] = now
      },
      result: () => rounds,
    }
  },
})
