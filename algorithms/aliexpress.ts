import { z } from 'zod'
import {
  adPricingParam,
  averageRating,
  definePlugin,
  effectiveBid,
  SponsoredPage,
  sponsoredSlotsProblem,
} from './kit/index.ts'

/**
 * AliExpress: paid "Direct Train" (P4P, pay per click) decides the top. Natural traffic is thin,
 * so sellers must pay to rank on top (fact F2, seed 000). Paid slots are auctioned on
 * bid × quality score and charged next bid × next score / own score + $0.01 (Alibaba's P4P rule,
 * docs/SOURCES.md, alibaba-p4p); the top of the page is paid and further paid slots sit at fixed
 * positions (12 and 20 on a page of 20; docs/SOURCES.md, aliexpress-positions: 12, 20, 28, 36).
 * Organic fill ranks on relevance and sales history only.
 */
const Params = z
  .object({
    /** How many of adPositions carry ads (0 turns sponsored slots off). */
    adSlots: z.number().int().min(0).default(10),
    /**
     * 1-based paid positions: the top 8, then 12 and 20 (assumption for the top; fixed positions:
     * docs/SOURCES.md, aliexpress-positions).
     */
    adPositions: z.array(z.number().int().min(1)).default([1, 2, 3, 4, 5, 6, 7, 8, 12, 20]),
    /** Minimum CPC in dollars (assumption). */
    reserveCpc: z.number().min(0).default(0.05),
    /** How paid clicks are charged: generalized second price (P4P's rule), first price or VCG (kit/auction.ts). */
    adPricing: adPricingParam(),
    /** Alibaba's P4P adds $0.01 to the second-price charge. */
    cpcIncrement: z.number().min(0).default(0.01),
    /** Relevance below which an ad's quality score is zero (assumption). */
    adRelevanceGate: z.number().min(0).max(1).default(0.2),
    /** Weight of sales history in the organic fill (assumption; small, as natural traffic is thin: seed 000). */
    salesWeight: z.number().min(0).default(0.3),
    /** Commission on retail price (assumption: AliExpress's common 8%). */
    commissionRate: z.number().min(0).max(1).default(0.08),
  })
  .strict()

export default definePlugin({
  name: 'aliexpress',
  summary: 'Paid Direct Train (P4P CPC) fills the top on bid × quality score; thin organic fill',
  claims: ['000', 'F2', 'F3'],
  params: Params,
  validate: (params, { k }) => sponsoredSlotsProblem(params, k),
  platform: (params) => ({ sessionKind: 'search', referralRate: () => params.commissionRate, fulfilmentFee: () => 0 }),
  create({ market, params, k }) {
    const { products } = market
    // Query-independent parts, refreshed once a round: ad quality (CTR estimate × rating) and organic sales history.
    const adQualityPrior = new Float64Array(products.count)
    const salesPrior = new Float64Array(products.count)
    const refresh = () => {
      for (let p = 0; p < products.count; p++) {
        adQualityPrior[p] =
          ((products.clicks[p] + 1) / (products.impressions[p] + 30)) *
          (averageRating(products.reviews[p], products.ratingSum[p]) / 5)
        salesPrior[p] = params.salesWeight * Math.log1p(products.sales[p])
      }
    }
    refresh()
    const page = new SponsoredPage(
      k,
      params.adPositions.slice(0, params.adSlots),
      params.reserveCpc,
      params.cpcIncrement,
      params.adPricing,
    )
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        const { organicScore, bids, adQuality } = page.prepare(n)
        const gate = params.adRelevanceGate
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const rel = relevance[i]
          // Quality score: relevance × CTR estimate × rating, as P4P quality scores combine them.
          const passes = rel >= gate
          adQuality[i] = passes ? rel * adQualityPrior[p] : 0
          bids[i] = passes ? effectiveBid(market, p) : 0
          organicScore[i] = rel > 0 ? Math.log(rel) + salesPrior[p] : -Infinity
        }
        page.fill(session, slots)
      },
      observe: refresh,
    }
  },
})
