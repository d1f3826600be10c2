import { z } from 'zod'
import { definePlugin } from './kit/index.ts'

export default definePlugin({
  name: 'random',
  summary: 'Baseline: k candidates drawn uniformly at random, no ads',
  claims: [],
  params: z.object({}).strict(),
  create({ rng }) {
    return {
      rank(session, slots) {
        const want = Math.min(session.k, session.n)
        // Rejection sampling: with k much smaller than n, repeats are rare.
        while (slots.count < want) {
          const product = session.candidates[Math.floor(rng() * session.n)]
          if (!slots.has(product)) slots.push(product)
        }
      },
    }
  },
})
