import { topK } from '../../../algorithms/kit/topk.ts'
import { defineCollector } from '../../market/types.ts'

const NDCG_DEPTH = 10

export interface RankingQuality {
  /** Σ over sessions with candidates of DCG@10 / IDCG@10. */
  ndcgSum: number
  /** The same sum per round (rounds.csv's ndcg_at_10). */
  ndcgByRound: number[]
  /** Per seller: merit received (see exposure_merit_tvd). */
  merit: Float64Array
}

/**
 * Per session, from the hidden truth: NDCG@10 against the session's ideal order (gain = true
 * relevance × quality), and each candidate's merit share of the exposure the session handed out.
 */
export const rankingQuality = defineCollector<RankingQuality>({
  name: 'ranking-quality',
  create({ market, exam, params }) {
    const { quality, seller } = market.products
    const out: RankingQuality = { ndcgSum: 0, ndcgByRound: [], merit: new Float64Array(market.sellers.count) }
    let before = 0
    const gains = new Float64Array(params.retrieval.maxCandidates)
    const ideal = new Int32Array(NDCG_DEPTH)
    return {
      session(o) {
        const n = o.n
        if (n === 0) return
        let totalGain = 0
        for (let i = 0; i < n; i++) totalGain += gains[i] = o.relevance[i] * quality[o.candidates[i]]
        let dcg = 0
        let sessionExposure = 0
        for (let r = 0; r < o.count; r++) {
          sessionExposure += exam[r]
          if (r < NDCG_DEPTH) dcg += exam[r] * o.slotRelevance[r] * quality[o.products[r]]
        }
        const got = topK(gains, n, NDCG_DEPTH, ideal)
        let idcg = 0
        for (let r = 0; r < got; r++) idcg += exam[r] * gains[ideal[r]]
        if (idcg > 0) out.ndcgSum += dcg / idcg
        if (totalGain === 0) return
        const scale = sessionExposure / totalGain
        for (let i = 0; i < n; i++) out.merit[seller[o.candidates[i]]] += gains[i] * scale
      },
      roundEnd() {
        out.ndcgByRound.push(out.ndcgSum - before)
        before = out.ndcgSum
      },
      result: () => out,
    }
  },
})
