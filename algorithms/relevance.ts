import { z } from 'zod'
import { definePlugin, growInt32, topK } from './kit/index.ts'

export default definePlugin({
  name: 'relevance',
  summary: 'Baseline: the k most relevant candidates, no ads, no popularity',
  claims: [],
  params: z.object({}).strict(),
  create() {
    let order = new Int32Array(64)
    return {
      rank(session, slots) {
        order = growInt32(order, session.k)
        const got = topK(session.relevance, session.n, session.k, order)
        for (let i = 0; i < got; i++) slots.push(session.candidates[order[i]])
      },
    }
  },
})
