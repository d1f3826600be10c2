import { HAUL_MAX_PRICE, HAUL_MAX_WEIGHT_LB } from '../../../algorithms/kit/fees.ts'
import { indexByKey } from '../../../core/catalog.ts'
import { defineCollector } from '../../market/stream.ts'

export interface ListingOutcomes {
  /** Exposure of listings priced lower on another platform (retail > price elsewhere), and all exposure. */
  flaggedExposure: number
  exposure: number
  /** Impressions of items outside Amazon Haul's box (retail ≥ maxPrice or a known weight ≥ maxWeightLb). */
  outsideHaulBoxImpressions: number
  /** In identical-product groups with ≥ 2 listed offers: exposure of the cheapest offer, and of the whole group. */
  cheapestOfferExposure: number
  contestedGroupExposure: number
}

/**
 * Who got the round's traffic among listings the facts single out (F4, F10, F11): prices as they
 * stood during the round, before sellers react.
 */
export const listingOutcomes = defineCollector({
  name: 'listing-outcomes',
  needs: ['catalog'],
  create({ catalog: { market, rules, pluginParams } }) {
    // The box of the plugin's own parameters when it declares them (amazon-haul), else Haul's published one.
    const maxPrice = typeof pluginParams.maxPrice === 'number' ? pluginParams.maxPrice : HAUL_MAX_PRICE
    const maxWeightLb = typeof pluginParams.maxWeightLb === 'number' ? pluginParams.maxWeightLb : HAUL_MAX_WEIGHT_LB
    const out: ListingOutcomes = {
      flaggedExposure: 0,
      exposure: 0,
      outsideHaulBoxImpressions: 0,
      cheapestOfferExposure: 0,
      contestedGroupExposure: 0,
    }
    const { products } = market
    const { start, items } = indexByKey(market.groupCount, products.group)
    return {
      roundEnd(v) {
        for (let i = 0; i < products.count; i++) {
          const e = v.exposure[i]
          const retail = products.price[i] * rules.retailMarkup
          out.exposure += e
          if (products.priceElsewhere[i] < retail) out.flaggedExposure += e
          // An unknown weight (NaN) is not known to be outside: only the price can place it there.
          if (retail >= maxPrice || products.weightLb[i] >= maxWeightLb)
            out.outsideHaulBoxImpressions += v.impressions[i]
        }
        for (let g = 0; g + 1 < start.length; g++) {
          let offers = 0
          let cheapest = -1
          let groupExposure = 0
          for (let j = start[g]; j < start[g + 1]; j++) {
            const i = items[j]
            if (!products.listed[i]) continue
            offers++
            groupExposure += v.exposure[i]
            if (cheapest < 0 || products.price[i] < products.price[cheapest]) cheapest = i
          }
          if (offers < 2 || groupExposure === 0) continue
          out.cheapestOfferExposure += v.exposure[cheapest]
          out.contestedGroupExposure += groupExposure
        }
      },
      result: () => out,
    }
  },
})
