import { HAUL_MAX_PRICE, HAUL_MAX_WEIGHT_LB } from '../../../algorithms/kit/fees.ts'
import { indexByKey } from '../../../datasets/topics.ts'
import { defineCollector } from '../../market/types.ts'

export interface ListingOutcomes {
  /** Exposure of listings priced lower on another platform (retail > price elsewhere), and all exposure. */
  flaggedExposure: number
  exposure: number
  /** Impressions of items outside Amazon Haul's box (retail ≥ $20 or weight ≥ 1 lb). */
  outsideHaulBoxImpressions: number
  /** In identical-product groups with ≥ 2 listed offers: exposure of the cheapest offer, and of the whole group. */
  cheapestOfferExposure: number
  contestedGroupExposure: number
}

/**
 * Who got the round's traffic among listings the facts single out (F4, F10, F11): prices as they
 * stood during the round, before sellers react.
 */
export const listingOutcomes = defineCollector<ListingOutcomes>({
  name: 'listing-outcomes',
  create({ market, rules }) {
    const out: ListingOutcomes = { flaggedExposure: 0, exposure: 0, outsideHaulBoxImpressions: 0, cheapestOfferExposure: 0, contestedGroupExposure: 0 }
    const { products } = market
    const { start, items } = indexByKey(market.groupCount, products.group)
    return {
      roundEnd(v) {
        for (let i = 0; i < products.count; i++) {
          const e = v.exposure[i]
          const retail = products.price[i] * rules.retailMarkup
          out.exposure += e
          if (products.priceElsewhere[i] < retail) out.flaggedExposure += e
          if (retail >= HAUL_MAX_PRICE || products.weightLb[i] >= HAUL_MAX_WEIGHT_LB) out.outsideHaulBoxImpressions += v.impressions[i]
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
