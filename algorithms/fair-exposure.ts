import { averageRating, definePlugin, examinationWeights, growFloat64, ScoredPage, z } from './kit/index.ts'

/**
 * Reference fair ranker: amortized equity of attention (Biega, Gummadi & Weikum 2018; Singh &
 * Joachims 2018 in spirit). Every session owes each relevant candidate a share of the session's
 * attention in proportion to its merit (estimated relevance × quality as its rating shows it,
 * (rating − 1) / 4: a platform never sees true quality); the plugin keeps each product's
 * owed and received attention and gives the top positions to the largest deficits, among
 * candidates above a relevance bar (the quality constraint). Not a platform: a yardstick.
 */
const Params = z
  .object({
    /** Candidates below this relevance are never shown (assumption). */
    minRelevance: z.number().min(0).max(1).default(0.3),
    /** How much of the current session's merit counts next to the accumulated deficit (0–1; assumption). */
    presentWeight: z.number().min(0).max(1).default(0.5),
  })
  .strict()

export default definePlugin({
  name: 'fair-exposure',
  summary:
    'Reference fair ranker: amortized equity of attention, top slots to products whose exposure lags their merit',
  claims: [],
  params: Params,
  create({ market, params, k }) {
    const { products } = market
    // The attention a position receives: the engine's examination model.
    const attention = examinationWeights(k)
    const sessionAttention = attention.reduce((a, b) => a + b, 0)
    const owed = new Float64Array(products.count)
    const received = new Float64Array(products.count)
    let merit = new Float64Array(1024)
    const page = new ScoredPage()
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        merit = growFloat64(merit, n)
        const score = page.prepare(n)
        let total = 0
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          merit[i] =
            relevance[i] >= params.minRelevance
              ? (relevance[i] * (averageRating(products.reviews[p], products.ratingSum[p]) - 1)) / 4
              : 0
          total += merit[i]
        }
        if (total === 0) return
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const due = (sessionAttention * merit[i]) / total
          owed[p] += due
          score[i] = merit[i] > 0 ? owed[p] - received[p] + params.presentWeight * due : -Infinity
        }
        page.fill(session, slots)
        for (let j = 0; j < slots.count; j++) received[slots.products[j]] += attention[j]
      },
    }
  },
})
