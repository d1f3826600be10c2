import { z } from 'zod'
import { definePlugin, growFloat64, growInt32, placePinned, topK } from './kit/index.ts'

/**
 * TikTok Shop: an interest feed with staged traffic pools. Sessions are feed visits (no query).
 * Every new item gets a first pool of views; when its pool is used up, an item whose engagement
 * (clicks per view) beats the threshold is promoted to the next, larger pool; one that does not
 * is retired to interest-only ranking. Interest match and the engagement the seller's videos earn
 * (clicks per view, smoothed: how a platform sees content quality) drive the score. Every video is an opportunity and
 * new sellers meet weak competition
 * (fact F6, seed 002). Pool sizes follow practitioners' tiers (docs/SOURCES.md, traffic-pools: about 200–500, 3k–5k,
 * 10k–20k, 100k+ views; promotion at about 10% like rate), scaled to this kit's traffic;
 * TikTok itself names only the signal families (interactions, content, user information).
 */
const Params = z
  .object({
    /** Views of each pool tier as practitioners describe them (docs/SOURCES.md, traffic-pools). */
    poolViews: z.array(z.number().positive()).min(1).default([200, 3000, 10000, 100000]),
    /**
     * Simulated views per real view: the simulated market has far less traffic (assumption, calibrated: a first pool of
     * 40 simulated views gives new sellers the reach F6 describes on default and also on black-friday, whose three
     * times the traffic fills a pool three times as fast).
     */
    poolScale: z.number().positive().default(0.2),
    /**
     * Clicks per view needed to be promoted (assumption: the practitioners' 10% like rate, rescaled to this kit's click
     * model).
     */
    promoteAt: z.number().min(0).max(1).default(0.06),
    /** Slots per feed page kept for items still in their first pool (assumption). */
    freshSlots: z.number().int().min(0).default(8),
    /**
     * Weights of interest match and content engagement in the log-score (TikTok names the signal families, not weights:
     * assumptions).
     */
    interestWeight: z.number().min(0).default(2),
    contentWeight: z.number().min(0).default(1.5),
    /**
     * Views of a seller's videos that weigh as much as the feed's average engagement in its content signal
     * (assumption).
     */
    engagementPrior: z.number().positive().default(200),
    /** Log-score gained per tier climbed. */
    tierBoost: z.number().min(0).default(0.8),
    /** Rounds after which a promotion's boost has halved: the feed favours what is recent (assumption). */
    boostHalfLife: z.number().positive().default(3),
    /** Log-score lost by items that failed a promotion. */
    retiredPenalty: z.number().min(0).default(1.5),
    /** Referral commission (assumption: TikTok Shop's common 8%). */
    commissionRate: z.number().min(0).max(1).default(0.08),
  })
  .strict()

export default definePlugin({
  name: 'tiktok',
  summary: 'Interest feed with staged traffic pools: every new item gets a first pool, engaging items are promoted',
  claims: ['000', '002', 'F6'],
  params: Params,
  platform: (params) => ({ sessionKind: 'feed', referralRate: () => params.commissionRate, fulfilmentFee: () => 0 }),
  create({ market, params, k }) {
    const { products, sellers } = market
    const quota = params.poolViews.map((v) => Math.max(1, Math.round(v * params.poolScale)))
    const lastTier = quota.length - 1
    // Incumbents' items are not new (assumption): those that sell start in the second pool, those
    // that never sold have had their first pool. Only items listed during the run get a first pool.
    const incumbent = (p: number) => sellers.joinRound[products.seller[p]] === 0
    const tier = Uint8Array.from({ length: products.count }, (_, p) =>
      incumbent(p) && products.sales[p] > 0 && lastTier > 0 ? 1 : 0,
    )
    // The round each item reached its tier; its boost fades from then on.
    const promotedAt = new Float64Array(products.count)
    const boostNow = new Float64Array(products.count)
    const refreshBoost = (round: number) => {
      for (let p = 0; p < products.count; p++)
        boostNow[p] = params.tierBoost * tier[p] * 0.5 ** ((round - promotedAt[p]) / params.boostHalfLife)
    }
    refreshBoost(0)
    // Content signal per seller: smoothed clicks per view relative to the feed's, as e / (1 + e): 0.5 at the average.
    const content = new Float64Array(sellers.count).fill(0.5)
    const sellerClicks = new Float64Array(sellers.count)
    const sellerViews = new Float64Array(sellers.count)
    const refreshContent = () => {
      sellerClicks.fill(0)
      sellerViews.fill(0)
      let allClicks = 0
      let allViews = 0
      for (let p = 0; p < products.count; p++) {
        sellerClicks[products.seller[p]] += products.clicks[p]
        sellerViews[products.seller[p]] += products.impressions[p]
        allClicks += products.clicks[p]
        allViews += products.impressions[p]
      }
      if (allClicks === 0) return
      const average = allClicks / allViews
      for (let s = 0; s < sellers.count; s++) {
        const e =
          (sellerClicks[s] + params.engagementPrior * average) / (sellerViews[s] + params.engagementPrior) / average
        content[s] = e / (1 + e)
      }
    }
    const views = new Float64Array(products.count)
    const clicks = new Float64Array(products.count)
    const retired = Uint8Array.from({ length: products.count }, (_, p) =>
      incumbent(p) && products.sales[p] === 0 ? 1 : 0,
    )
    const freshCount = Math.min(params.freshSlots, k)
    // Fresh items are spread down the page: positions k/fresh apart, starting at the second slot.
    const freshPositions = Array.from({ length: freshCount }, (_, j) =>
      Math.min(k - 1, 1 + Math.floor((j * k) / freshCount)),
    )
    const zeroCpc = new Float64Array(freshCount)
    let score = new Float64Array(1024)
    let freshScore = new Float64Array(1024)
    let order = new Int32Array(2 * k)
    const freshOrder = new Int32Array(freshCount)
    const fresh = new Int32Array(freshCount)
    let main = new Int32Array(2 * k)
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        score = growFloat64(score, n)
        freshScore = growFloat64(freshScore, n)
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const rel = relevance[i]
          if (rel <= 0) {
            score[i] = freshScore[i] = -Infinity
            continue
          }
          const interest = params.interestWeight * Math.log(rel)
          const inFirstPool = tier[p] === 0 && !retired[p] && views[p] < quota[0]
          freshScore[i] = inFirstPool ? interest : -Infinity
          score[i] =
            interest +
            params.contentWeight * content[products.seller[p]] +
            boostNow[p] -
            (retired[p] ? params.retiredPenalty : 0)
        }
        const freshGot = topK(freshScore, n, freshCount, freshOrder)
        for (let j = 0; j < freshGot; j++) fresh[j] = candidates[freshOrder[j]]
        order = growInt32(order, k + freshGot)
        main = growInt32(main, k + freshGot)
        const got = topK(score, n, k + freshGot, order)
        for (let j = 0; j < got; j++) main[j] = candidates[order[j]]
        placePinned(slots, freshPositions, fresh, zeroCpc, freshGot, main, got)
        for (let j = 0; j < slots.count; j++) views[slots.products[j]]++
      },
      observe(feedback) {
        for (let p = 0; p < products.count; p++) {
          clicks[p] += feedback.clicks[p]
          if (retired[p] || views[p] < quota[tier[p]]) continue
          if (clicks[p] / views[p] >= params.promoteAt) {
            if (tier[p] < lastTier) {
              tier[p]++
              promotedAt[p] = feedback.round + 1
              views[p] = 0
              clicks[p] = 0
            }
          } else retired[p] = 1
        }
        refreshBoost(feedback.round + 1)
        refreshContent()
      },
    }
  },
})
