import {
  AMAZON_DELIVERY_DAYS,
  amazonFulfilmentFee,
  amazonReferralRate,
  definePlugin,
  HAUL_MAX_PRICE,
  HAUL_MAX_WEIGHT_LB,
  ScoredPage,
  z,
} from './kit/index.ts'

/**
 * Amazon Haul: Amazon's discount storefront for generic items under $20 and under 1 lb, lowest
 * price first (seed 004; fact F11). Items outside the box are never shown; an item of unknown weight
 * fits by default (parameter unknownWeight).
 */
const Params = z
  .object({
    /** Items must cost less than this, in dollars (seed 004). */
    maxPrice: z.number().positive().default(HAUL_MAX_PRICE),
    /** Items must weigh less than this, in pounds (seed 004). */
    maxWeightLb: z.number().positive().default(HAUL_MAX_WEIGHT_LB),
    /**
     * An item whose weight the catalog does not give (NaN): 'fits' judges it on price alone, as Haul
     * lists what sellers declare small; 'excluded' never shows it (assumption: 'fits', so an imported
     * catalog without weights still has a storefront; outside_haul_box_impression_share counts only
     * items known to be outside the box).
     */
    unknownWeight: z.enum(['fits', 'excluded']).default('fits'),
    /** Minimum relevance to be shown (assumption). */
    relevanceGate: z.number().min(0).max(1).default(0.3),
    /** Weight of relevance against log price (small: low price first; assumption). */
    relevanceWeight: z.number().min(0).default(0.5),
  })
  .strict()

export default definePlugin({
  name: 'amazon-haul',
  summary: "Amazon's discount storefront: only items under $20 and 1 lb, low price first",
  claims: ['004', 'F11'],
  params: Params,
  platform: () => ({
    sessionKind: 'search',
    referralRate: amazonReferralRate,
    fulfilmentFee: amazonFulfilmentFee,
    deliveryDays: () => AMAZON_DELIVERY_DAYS,
  }),
  create({ market, params }) {
    const { products, categories } = market
    const page = new ScoredPage()
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        const score = page.prepare(n)
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const price = products.price[p]
          const weight = products.weightLb[p]
          const light = Number.isNaN(weight) ? params.unknownWeight === 'fits' : weight < params.maxWeightLb
          const inBox = price < params.maxPrice && light && relevance[i] >= params.relevanceGate
          score[i] = inBox
            ? params.relevanceWeight * relevance[i] - Math.log(price / categories.refPrice[products.category[p]])
            : -Infinity
        }
        page.fill(session, slots)
      },
    }
  },
})
