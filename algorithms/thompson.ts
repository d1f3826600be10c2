import { definePlugin, examinationWeights, growFloat64, growInt32, topK, z } from './kit/index.ts'

/**
 * Reference learner: Thompson sampling over a position-based click model (PBM; Richardson et al.
 * 2007, Lagrée et al. 2016). A buyer examines position r with probability θ(r) (the kit's
 * examination curve: assumed known, as a platform estimates it from randomised swaps) and clicks
 * an examined item with its attractiveness α_p; a click turns into a purchase with probability β_p.
 * After every session (onSession) the plugin adds θ(r) to the examinations of each item shown at r,
 * a click to α_p's evidence and a purchase to β_p's: clicks per examination corrects for position
 * bias. Each session it samples α_p and β_p from their Beta posteriors (normal approximation, in
 * log space) and ranks by relevanceWeight × ln(estimated relevance) + ln α_p + ln β_p: purchases per
 * examination reveal what the relevance estimate misses (true relevance and quality). Not a
 * platform: a yardstick for what learning from behaviour is worth, between `relevance` and `oracle`.
 */
const Params = z
  .object({
    /** Weight of the estimated relevance against the learned log purchases per examination (assumption). */
    relevanceWeight: z.number().min(0).default(2),
    /** Prior strength: examinations (for α) and clicks (for β) the feed-wide average counts as (assumption). */
    priorExaminations: z.number().positive().default(20),
    priorClicks: z.number().positive().default(5),
    /**
     * Scale of the posterior draws: 1 = plain Thompson sampling, 0 = greedy on the posterior mean (0.3: tempered, as
     * exploration costs more than it learns in a 30-round run; assumption).
     */
    explore: z.number().min(0).default(0.3),
    /** Candidates below this estimated relevance are never shown (assumption). */
    minRelevance: z.number().min(0).max(1).default(0.05),
  })
  .strict()

/** Standard normals drawn once from the plugin's RNG; each posterior draw picks one at random. */
const NORMALS = 4096

export default definePlugin({
  name: 'thompson',
  summary:
    'Reference learner: Thompson sampling on a position-based click model, learning clicks and purchases per ' +
    'examination from each session',
  claims: [],
  params: Params,
  create({ market, params, rng, k }) {
    const count = market.products.count
    const theta = examinationWeights(k)
    const examinations = new Float64Array(count)
    const clicks = new Float64Array(count)
    const purchases = new Float64Array(count)
    let allExaminations = 0
    let allClicks = 0
    let allPurchases = 0
    const normals = Float64Array.from(
      { length: NORMALS },
      () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
    )
    let score = new Float64Array(1024)
    let order = new Int32Array(64)
    /** ln of a Beta posterior draw (normal approximation) with `hits` of `trials` and the prior mean and strength. */
    const logDraw = (hits: number, trials: number, priorMean: number, strength: number) => {
      const a = hits + strength * priorMean
      const b = Math.max(0, trials - hits) + strength * (1 - priorMean)
      const mean = a / (a + b)
      const relativeSd = Math.sqrt(b / (a * (a + b + 1)))
      return Math.log(mean) + params.explore * relativeSd * normals[(rng() * NORMALS) | 0]
    }
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        score = growFloat64(score, n)
        order = growInt32(order, session.k)
        // Feed-wide averages as the priors' means (a small pseudo-count keeps them defined at the start).
        const ctr = (allClicks + 1) / (allExaminations + 20)
        const cvr = (allPurchases + 1) / (allClicks + 10)
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const rel = relevance[i]
          score[i] =
            rel < params.minRelevance || rel <= 0
              ? -Infinity
              : params.relevanceWeight * Math.log(rel) +
                logDraw(clicks[p], examinations[p], ctr, params.priorExaminations) +
                logDraw(purchases[p], clicks[p], cvr, params.priorClicks)
        }
        const got = topK(score, n, session.k, order)
        for (let i = 0; i < got; i++) slots.push(candidates[order[i]])
      },
      onSession(feedback) {
        for (let r = 0; r < feedback.count; r++) {
          const p = feedback.products[r]
          examinations[p] += theta[r]
          allExaminations += theta[r]
          if (!feedback.clicked[r]) continue
          clicks[p]++
          allClicks++
        }
        if (feedback.purchasedSlot < 0) return
        purchases[feedback.products[feedback.purchasedSlot]]++
        allPurchases++
      },
    }
  },
})
