import { examinationWeights } from '../../../algorithms/kit/attention.ts'
import { topK } from '../../../algorithms/kit/topk.ts'
import { defineCollector } from '../../market/stream.ts'

/** NDCG's depth and discount 1/log2(r+1) at 1-based position r (fixed, whatever the examination curve). */
const NDCG_DEPTH = 10
const NDCG_DISCOUNT = examinationWeights(NDCG_DEPTH)

export interface RankingQuality {
  /** Σ over sessions with candidates of DCG@10 / IDCG@10. */
  ndcgSum: number
  /** The same sum by round number (rounds.csv's ndcg_at_10); 0 for a round the source did not have. */
  ndcgByRound: number[]
  /** Per seller: merit received (see exposure_merit_tvd). */
  merit: Float64Array
}

/**
 * Per session, with gain = relevance × quality of each candidate (the relevance facet): NDCG@10
 * against the session's ideal order, and each candidate's merit share of the exposure the session
 * handed out.
 */
export const rankingQuality = defineCollector({
  name: 'ranking-quality',
  needs: ['relevance'],
  create({ relevance: { quality }, tables, weights, maxCandidates }) {
    const seller = tables.products.seller
    const out: RankingQuality = { ndcgSum: 0, ndcgByRound: [], merit: new Float64Array(tables.sellers.count) }
    let before = 0
    const gains = new Float64Array(maxCandidates)
    const ideal = new Int32Array(NDCG_DEPTH)
    return {
      session(o) {
        const n = o.n
        if (n === 0) return
        let totalGain = 0
        for (let i = 0; i < n; i++) {
          gains[i] = o.relevance[i] * quality[o.candidates[i]]
          totalGain += gains[i]
        }
        let dcg = 0
        let sessionExposure = 0
        for (let r = 0; r < o.count; r++) {
          const position = o.position[r]
          sessionExposure += weights[position - 1]
          if (position <= NDCG_DEPTH) dcg += NDCG_DISCOUNT[position - 1] * o.slotRelevance[r] * quality[o.products[r]]
        }
        const got = topK(gains, n, NDCG_DEPTH, ideal)
        let idcg = 0
        for (let r = 0; r < got; r++) idcg += NDCG_DISCOUNT[r] * gains[ideal[r]]
        if (idcg > 0) out.ndcgSum += dcg / idcg
        if (totalGain === 0) return
        const scale = sessionExposure / totalGain
        for (let i = 0; i < n; i++) out.merit[seller[o.candidates[i]]] += gains[i] * scale
      },
      roundEnd(v) {
        while (out.ndcgByRound.length < v.round) out.ndcgByRound.push(0)
        out.ndcgByRound[v.round] = out.ndcgSum - before
        before = out.ndcgSum
      },
      result: () => out,
    }
  },
})
