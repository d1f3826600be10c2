import { definePlugin, growFloat64, growInt32, topK, z } from './kit/index.ts'

/**
 * Reference upper bound: ranks by true relevance × true quality, the gain ndcg_at_10 is measured
 * on, so no ranker can do better on it. No platform knows either: this plugin declares
 * `truth: true` to be handed the hidden truth, and `bench list` marks it. Not a platform: a yardstick.
 */
export default definePlugin({
  name: 'oracle',
  summary: 'Reference upper bound: reads the hidden truth and ranks by true relevance × true quality, no ads',
  claims: [],
  params: z.object({}).strict(),
  truth: true,
  create({ truth }) {
    if (!truth) throw new Error('the oracle needs the hidden truth (truth: true)')
    let gain = new Float64Array(1024)
    let order = new Int32Array(64)
    return {
      rank(session, slots) {
        const { n, candidates } = session
        gain = growFloat64(gain, n)
        order = growInt32(order, session.k)
        for (let i = 0; i < n; i++) gain[i] = truth.relevance[i] * truth.quality[candidates[i]]
        const got = topK(gain, n, session.k, order)
        for (let i = 0; i < got; i++) slots.push(candidates[order[i]])
      },
    }
  },
})
