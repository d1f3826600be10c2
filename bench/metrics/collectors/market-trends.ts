import { ARCHETYPES, type Catalog } from '../../../datasets/catalog.ts'
import { defineCollector } from '../../market/types.ts'

export interface MarketTrends {
  /** Seller revenue by archetype (factory, trader, brand) in the first and the last round. */
  firstRoundRevenue: Float64Array
  lastRoundRevenue: Float64Array
  /** Mean declared price of listed offers before round 0 and at the end of the last round. */
  startMeanPrice: number
  endMeanPrice: number
}

function meanListedPrice({ products }: Catalog): number {
  let sum = 0
  let n = 0
  for (let i = 0; i < products.count; i++) {
    if (!products.listed[i]) continue
    sum += products.price[i]
    n++
  }
  return n > 0 ? sum / n : 0
}

/** Where the market moves over the run: factories' share of revenue, declared prices (fact F5). */
export const marketTrends = defineCollector<MarketTrends>({
  name: 'market-trends',
  create({ market }) {
    const out: MarketTrends = { firstRoundRevenue: new Float64Array(ARCHETYPES.length), lastRoundRevenue: new Float64Array(ARCHETYPES.length), startMeanPrice: 0, endMeanPrice: 0 }
    const { sellers } = market
    return {
      start(m) {
        out.startMeanPrice = meanListedPrice(m)
      },
      roundEnd(v) {
        const target = v.round === 0 ? out.firstRoundRevenue : out.lastRoundRevenue
        target.fill(0)
        for (let s = 0; s < sellers.count; s++) target[sellers.archetype[s]] += v.sellerRevenue[s]
        if (v.round === 0) out.lastRoundRevenue.set(target)
      },
      roundClosed(v) {
        out.endMeanPrice = meanListedPrice(v.market)
      },
      result: () => out,
    }
  },
})
