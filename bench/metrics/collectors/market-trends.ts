import { ARCHETYPES } from '../../../core/catalog.ts'
import { defineCollector } from '../../market/types.ts'

export interface MarketTrends {
  /** Seller revenue by archetype (factory, trader, brand) in the first and the last round. */
  firstRoundRevenue: Float64Array
  lastRoundRevenue: Float64Array
  /** Mean declared price before round 0 and after the last round, over the offers listed at both times (stayers). */
  stayersStartMean: number
  stayersEndMean: number
  /** The same over every offer listed at the time (entrants in, exits out); NaN when nothing is listed. */
  listedStartMean: number
  listedEndMean: number
}

/** Where the market moves over the run: factories' share of revenue, declared prices (fact F5). */
export const marketTrends = defineCollector<MarketTrends>({
  name: 'market-trends',
  create({ market }) {
    const out: MarketTrends = {
      firstRoundRevenue: new Float64Array(ARCHETYPES.length),
      lastRoundRevenue: new Float64Array(ARCHETYPES.length),
      stayersStartMean: NaN,
      stayersEndMean: NaN,
      listedStartMean: NaN,
      listedEndMean: NaN,
    }
    const { sellers, products } = market
    const startPrice = new Float64Array(products.count)
    const listedAtStart = new Uint8Array(products.count)
    return {
      start(m) {
        startPrice.set(m.products.price)
        listedAtStart.set(m.products.listed)
        let sum = 0
        let n = 0
        for (let i = 0; i < products.count; i++)
          if (listedAtStart[i]) {
            sum += startPrice[i]
            n++
          }
        out.listedStartMean = sum / n
      },
      roundEnd(v) {
        const target = v.round === 0 ? out.firstRoundRevenue : out.lastRoundRevenue
        target.fill(0)
        for (let s = 0; s < sellers.count; s++) target[sellers.archetype[s]] += v.sellerRevenue[s]
        if (v.round === 0) out.lastRoundRevenue.set(target)
      },
      roundClosed(v) {
        const { price, listed } = v.market.products
        let stayersStart = 0
        let stayersEnd = 0
        let stayers = 0
        let listedSum = 0
        let listedCount = 0
        for (let i = 0; i < products.count; i++) {
          if (!listed[i]) continue
          listedSum += price[i]
          listedCount++
          if (!listedAtStart[i]) continue
          stayersStart += startPrice[i]
          stayersEnd += price[i]
          stayers++
        }
        out.stayersStartMean = stayersStart / stayers
        out.stayersEndMean = stayersEnd / stayers
        out.listedEndMean = listedSum / listedCount
      },
      result: () => out,
    }
  },
})
