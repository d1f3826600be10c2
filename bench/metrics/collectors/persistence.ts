import { topK } from '../../../algorithms/kit/topk.ts'
import { defineCollector } from '../../market/types.ts'

/** How many products per category and round count as its "top" for rank persistence. */
export const TOP_PER_CATEGORY = 10

/** Per round, each category's TOP_PER_CATEGORY products with the most exposure that round (−1 padded). */
export const topProducts = defineCollector<Int32Array[]>({
  name: 'top-products',
  create({ market }) {
    const { categories } = market
    let largest = 0
    for (let c = 0; c < categories.count; c++)
      largest = Math.max(largest, categories.start[c + 1] - categories.start[c])
    const scores = new Float64Array(largest)
    const order = new Int32Array(TOP_PER_CATEGORY)
    const rounds: Int32Array[] = []
    return {
      roundEnd(v) {
        const top = new Int32Array(categories.count * TOP_PER_CATEGORY).fill(-1)
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
        rounds.push(top)
      },
      result: () => rounds,
    }
  },
})

/** Per round, each category's listed products at the round's end (which categories rank persistence can judge). */
export const listedPerCategory = defineCollector<Int32Array[]>({
  name: 'listed-per-category',
  create({ market }) {
    const { categories, products } = market
    const rounds: Int32Array[] = []
    return {
      roundEnd() {
        const listed = new Int32Array(categories.count)
        for (let c = 0; c < categories.count; c++)
          for (let j = categories.start[c]; j < categories.start[c + 1]; j++)
            listed[c] += products.listed[categories.products[j]]
        rounds.push(listed)
      },
      result: () => rounds,
    }
  },
})
