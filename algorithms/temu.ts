import { z } from 'zod'
import { definePlugin, ScoredPage } from './kit/index.ts'

/**
 * Temu: price-first and fully managed. Sellers declare a supply price; the platform sets retail
 * (declared × markup) and runs the store (seed 000, seed 004). Within an identical-product group
 * only the cheapest declared offer is shown: the traffic of the same product depends on price
 * (fact F4, seed 000). Eligible offers pass a relevance gate and are ranked by low price. The
 * engine makes losing offers cut their declared price each round (priceFirst), which is how
 * supply prices fall and traders are squeezed out by factories (fact F5, seed 000).
 */
const Params = z
  .object({
    /** Retail = declared supply price × markup; the platform keeps the difference (assumption). */
    markup: z.number().min(1).default(1.5),
    /** Minimum relevance to be shown at all (assumption). */
    relevanceGate: z.number().min(0).max(1).default(0.3),
    /** Weight of relevance against log price in the ranking score (small: price first). */
    relevanceWeight: z.number().min(0).default(0.5),
    /** Fully managed logistics ship every order cross-border: a week or more (seed 000; 9 days is an assumption). */
    deliveryDays: z.number().positive().default(9),
  })
  .strict()

export default definePlugin({
  name: 'temu',
  summary:
    'Price-first managed marketplace: cheapest declared offer of each identical item takes its traffic, low ' +
    'price ranks first',
  claims: ['000', '004', 'F4', 'F5'],
  params: Params,
  platform: (params) => ({
    sessionKind: 'search',
    priceFirst: true,
    retailMarkup: params.markup,
    referralRate: () => 0,
    fulfilmentFee: () => 0,
    deliveryDays: () => params.deliveryDays,
  }),
  create({ market, params }) {
    const { products, categories } = market
    // Per-session winner of each group, stamped so no clearing is needed between sessions.
    const groupWinner = new Int32Array(market.groupCount)
    const groupStamp = new Int32Array(market.groupCount)
    let stamp = 0
    const page = new ScoredPage()
    return {
      rank(session, slots) {
        const { n, candidates, relevance } = session
        const score = page.prepare(n)
        stamp++
        for (let i = 0; i < n; i++) {
          if (relevance[i] < params.relevanceGate) continue
          const p = candidates[i]
          const g = products.group[p]
          const held = groupWinner[g]
          if (
            groupStamp[g] !== stamp ||
            products.price[p] < products.price[held] ||
            (products.price[p] === products.price[held] && p < held)
          ) {
            groupStamp[g] = stamp
            groupWinner[g] = p
          }
        }
        for (let i = 0; i < n; i++) {
          const p = candidates[i]
          const g = products.group[p]
          const wins = relevance[i] >= params.relevanceGate && groupStamp[g] === stamp && groupWinner[g] === p
          score[i] = wins
            ? params.relevanceWeight * relevance[i] -
              Math.log(products.price[p] / categories.refPrice[products.category[p]])
            : -Infinity
        }
        page.fill(session, slots)
      },
    }
  },
})
