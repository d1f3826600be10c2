import { defineCollector } from '../../market/stream.ts'

/** What fee pricing did to declared prices before round 0, against the catalog's prices. */
export interface Repricing {
  offers: number
  /** Offers whose declared price was raised (to cover the platform's fees). */
  repriced: number
  /** Mean and largest new / catalog price over the repriced offers; 1 when none was repriced. */
  meanRatio: number
  maxRatio: number
}

/** Compares each offer's declared price at the start of the run with its catalog price. */
export function repricingOf(catalogPrice: ArrayLike<number>, startPrice: ArrayLike<number>): Repricing {
  let repriced = 0
  let ratioSum = 0
  let maxRatio = 1
  for (let i = 0; i < catalogPrice.length; i++) {
    if (!(startPrice[i] > catalogPrice[i])) continue
    const r = startPrice[i] / catalogPrice[i]
    repriced++
    ratioSum += r
    maxRatio = Math.max(maxRatio, r)
  }
  return { offers: catalogPrice.length, repriced, meanRatio: repriced > 0 ? ratioSum / repriced : 1, maxRatio }
}

/**
 * Declared prices as the run starts: after the sellers priced in the platform's fees (fee-pricing
 * force), before the plugin first sees the market. repricingOf compares them with the catalog's.
 */
export const startPrices = defineCollector({
  name: 'start-prices',
  needs: ['catalog'],
  create({ catalog: { market } }) {
    let prices = new Float64Array(0)
    return {
      start() {
        prices = market.products.price.slice()
      },
      result: () => prices,
    }
  },
})
