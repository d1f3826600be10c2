import { ARCHETYPES } from '../../../core/catalog.ts'
import { defineCollector } from '../../market/stream.ts'

/** Seller revenue by archetype (factory, trader, brand) in the source's first and last round (fact F5). */
export interface ArchetypeRevenue {
  firstRoundRevenue: Float64Array
  lastRoundRevenue: Float64Array
}

export const archetypeRevenue = defineCollector({
  name: 'archetype-revenue',
  needs: ['archetype'],
  create({ archetype, tables }) {
    const out: ArchetypeRevenue = {
      firstRoundRevenue: new Float64Array(ARCHETYPES.length),
      lastRoundRevenue: new Float64Array(ARCHETYPES.length),
    }
    let first = true
    return {
      roundEnd(v) {
        const target = first ? out.firstRoundRevenue : out.lastRoundRevenue
        target.fill(0)
        for (let s = 0; s < tables.sellers.count; s++) target[archetype[s]] += v.sellerRevenue[s]
        if (first) out.lastRoundRevenue.set(target)
        first = false
      },
      result: () => out,
    }
  },
})

/** Declared prices over the run (fact F5): means before round 0 and after the last round. */
export interface DeclaredPrices {
  /** Over the offers listed at both times (stayers). */
  stayersStartMean: number
  stayersEndMean: number
  /** The same over every offer listed at the time (entrants in, exits out); NaN when nothing is listed. */
  listedStartMean: number
  listedEndMean: number
}

export const declaredPrices = defineCollector({
  name: 'declared-prices',
  needs: ['catalog'],
  create({ catalog: { market } }) {
    const out: DeclaredPrices = { stayersStartMean: NaN, stayersEndMean: NaN, listedStartMean: NaN, listedEndMean: NaN }
    const { products } = market
    const startPrice = new Float64Array(products.count)
    const listedAtStart = new Uint8Array(products.count)
    return {
      start() {
        startPrice.set(products.price)
        listedAtStart.set(products.listed)
        let sum = 0
        let n = 0
        for (let i = 0; i < products.count; i++) {
          if (!listedAtStart[i]) continue
          sum += startPrice[i]
          n++
        }
        out.listedStartMean = sum / n
      },
      roundClosed() {
        const { price, listed } = products
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
