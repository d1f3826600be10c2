import { z } from 'zod'
import {
  AMAZON_DELIVERY_DAYS,
  adPricingParam,
  amazonFulfilmentFee,
  amazonReferralRate,
  averageRating,
  definePlugin,
  effectiveBid,
  type MarketView,
  SponsoredPage,
  sponsoredSlotsProblem,
} from './kit/index.ts'

/**
 * Amazon: organic search plus Sponsored Products.
 * Organic score (log-linear): relevance, sales velocity (the flywheel; long memory gives the
 * persistence of fact F1, seed 000), conversion, rating and review count, repeat purchase and the
 * store's standing (store exposure, rating and repurchase drive traffic: fact F14, seed 002), and a
 * boost for sellers with local stock. Amazon fulfils every order from its warehouses: fast delivery
 * (F12, seed 000) and FBA fees that, with referral fees and ads, take about half of sellers' sales
 * (F9, seed 000). Listings priced lower on another platform are suppressed (price parity: F10, seed 004).
 * Sponsored slots: GSP on bid × predicted CTR, behind a relevance bar and a $0.02 reserve
 * (Amazon's ads help: docs/SOURCES.md, amazon-ads); the money and the skill both matter (F3, seed 000).
 */
const Params = z
  .object({
    /** How many of adPositions carry ads (0 turns sponsored slots off). */
    adSlots: z.number().int().min(0).default(6),
    /** 1-based positions of sponsored slots (assumption: four at the top of search, two further down the page). */
    adPositions: z.array(z.number().int().min(1)).default([1, 2, 3, 4, 11, 16]),
    /** Minimum relevance for an ad to enter the auction (Amazon ads help: a minimum relevance bar). */
    adRelevanceGate: z.number().min(0).max(1).default(0.35),
    /** Minimum CPC in dollars (Amazon ads help: $0.02). */
    reserveCpc: z.number().min(0).default(0.02),
    /** How sponsored clicks are charged: generalized second price, first price or VCG (kit/auction.ts). */
    adPricing: adPricingParam(),
    /** Added to the second-price charge (assumption: one cent, as in Alibaba's stated rule). */
    cpcIncrement: z.number().min(0).default(0.01),
    /**
     * Weights of the organic log-score: relevance, the sales flywheel, conversion, rating, review
     * count, repeat purchase. Amazon names these signals (seed 002, F14) but not their weights:
     * the values are assumptions, calibrated so that F1 and F7 hold.
     */
    relevanceWeight: z.number().min(0).default(2),
    velocityWeight: z.number().min(0).default(1.5),
    /**
     * Share of its sales velocity the flywheel keeps each round: a long memory, hence persistent ranks (F1;
     * assumption).
     */
    memory: z.number().min(0).max(1).default(0.95),
    conversionWeight: z.number().min(0).default(0.5),
    ratingWeight: z.number().min(0).default(1.5),
    reviewWeight: z.number().min(0).default(0.3),
    repeatWeight: z.number().min(0).default(1),
    /** Weight of the store's standing: log(1 + the seller's total sales / the average seller's) (F14, seed 002). */
    storeWeight: z.number().min(0).default(0.3),
    /** Log-score bonus for sellers with local stock (always in stock for Prime; assumption). */
    fastFulfilmentBonus: z.number().min(0).default(0.4),
    /** Suppress listings priced lower on another platform (seed 004, F10). */
    priceParity: z.boolean().default(true),
    /** A listing is suppressed when priced elsewhere below price × (1 − tolerance) (assumption: any lower price). */
    parityTolerance: z.number().min(0).max(1).default(0),
  })
  .strict()

type AmazonParams = z.infer<typeof Params>

export default definePlugin({
  name: 'amazon',
  summary:
    'Organic relevance × sales flywheel, rating, repeat purchase, fast delivery; Sponsored Products by GSP; ' +
    'price parity',
  claims: ['000', '002', '004', 'F1', 'F3', 'F7', 'F8', 'F9', 'F10', 'F12', 'F13', 'F14'],
  params: Params,
  validate: (params, { k }) => sponsoredSlotsProblem(params, k),
  platform: () => ({
    sessionKind: 'search',
    referralRate: amazonReferralRate,
    fulfilmentFee: amazonFulfilmentFee,
    deliveryDays: () => AMAZON_DELIVERY_DAYS,
  }),
  create({ market, params, k }) {
    const priorScore = new Float64Array(market.products.count)
    const predictedAdValue = new Float64Array(market.products.count)
    const startingSales = Float64Array.from({ length: market.products.count }, (_, i) => market.products.sales[i])
    // The flywheel's own memory of sales, starting from the market's velocity.
    const velocity = Float64Array.from({ length: market.products.count }, (_, i) => market.products.salesVelocity[i])
    refreshItemScores(market, params, startingSales, velocity, priorScore, predictedAdValue)
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
        const { relevanceWeight, adRelevanceGate } = params
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const prior = priorScore[p]
          const rel = relevance[i]
          if (prior === -Infinity || rel <= 0) {
            organicScore[i] = -Infinity
            bids[i] = 0
            continue
          }
          organicScore[i] = relevanceWeight * Math.log(rel) + prior
          bids[i] = rel >= adRelevanceGate ? effectiveBid(market, p) : 0
          adQuality[i] = rel * predictedAdValue[p]
        }
        page.fill(session, slots)
      },
      observe(feedback) {
        for (let p = 0; p < velocity.length; p++) velocity[p] = params.memory * velocity[p] + feedback.orders[p]
        refreshItemScores(market, params, startingSales, velocity, priorScore, predictedAdValue)
      },
    }
  },
})

/**
 * The query-independent part of the organic score, recomputed once a round (the signals only
 * change between rounds), and the ad's predicted value per impression: CTR (clicks + 0.5) /
 * (impressions + 50) × conversion (orders + 0.3) / (clicks + 10). An item without history is
 * assumed to perform below average until it proves otherwise: paid traffic depends on a
 * listing's record as well as its bid (assumption; F3 and F7, seed 000 and 002).
 */
function refreshItemScores(
  market: MarketView,
  params: AmazonParams,
  startingSales: Float64Array,
  velocity: Float64Array,
  priorScore: Float64Array,
  predictedAdValue: Float64Array,
): void {
  const { products, sellers } = market
  const { seller, sales, clicks, impressions, reviews, ratingSum, repeatRate, price, priceElsewhere } = products
  const storeSales = new Float64Array(sellers.count)
  let allSales = 0
  for (let p = 0; p < products.count; p++) {
    storeSales[seller[p]] += sales[p]
    allSales += sales[p]
  }
  const averageStore = allSales / sellers.count || 1
  // Terms that take the same value for many products are computed once (the same operations, so the same scores).
  const storeTerm = storeSales.map((storeSale) => params.storeWeight * Math.log1p(storeSale / averageStore))
  const logNoConversion = Math.log(1 / 10)
  for (let p = 0; p < products.count; p++) {
    const runOrders = sales[p] - startingSales[p]
    predictedAdValue[p] = ((clicks[p] + 0.5) / (impressions[p] + 50)) * ((runOrders + 0.3) / (clicks[p] + 10))
    if (params.priceParity && priceElsewhere[p] < price[p] * (1 - params.parityTolerance)) {
      priorScore[p] = -Infinity
      continue
    }
    const logConversion =
      runOrders === 0 && clicks[p] === 0 ? logNoConversion : Math.log((runOrders + 1) / (clicks[p] + 10))
    const rating = averageRating(reviews[p], ratingSum[p]) / 5
    const local = sellers.origin[seller[p]] === 1
    priorScore[p] =
      (velocity[p] === 0 ? 0 : params.velocityWeight * Math.log1p(velocity[p])) +
      params.conversionWeight * logConversion +
      params.ratingWeight * Math.log(rating) +
      params.reviewWeight * log1pCount(reviews[p]) +
      params.repeatWeight * repeatRate[p] +
      storeTerm[seller[p]] +
      (local ? params.fastFulfilmentBonus : 0)
  }
}

/** log(1 + n) of the review counts most products have, looked up. */
const LOG1P_COUNTS = Float64Array.from({ length: 4096 }, (_, n) => Math.log1p(n))
const log1pCount = (n: number) => (n >= 0 && n < LOG1P_COUNTS.length ? LOG1P_COUNTS[n] : Math.log1p(n))
