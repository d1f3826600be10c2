import { ARCHETYPES, DEPARTMENTS } from '../../../datasets/catalog.ts'
import { indexByKey } from '../../../datasets/topics.ts'
import type { SellerContext, SellerForceFactory } from './force.ts'

/**
 * The lowest declared price an offer's seller accepts on this platform: what covers unit cost with
 * its archetype's minimum margin plus the platform's fulfilment fee, after the referral fee:
 * (unit cost × (1 + margin) + fulfilment) / (1 − referral rate at the current retail price).
 */
export function priceFloor({ market, params, rules }: SellerContext, i: number): number {
  const { products, sellers, categories } = market
  const seller = products.seller[i]
  const department = DEPARTMENTS[categories.department[products.category[i]]]
  const referral = rules.referralRate(department, products.price[i] * rules.retailMarkup) * rules.retailMarkup
  const cover = products.unitCost[i] * (1 + params.minMargin[ARCHETYPES[sellers.archetype[seller]]]) + rules.fulfilmentFee(products.weightLb[i], sellers.origin[seller] === 1)
  return cover / Math.max(0.05, 1 - referral)
}

/**
 * Sellers list no offer below its floor on this platform: they price in its fees (seed 000:
 * Amazon's costs raise its prices). Done once, before the plugin first sees the market; the
 * seller's price on other platforms keeps its ratio to this one. Off with market.feePricing =
 * false. What it changed is reported per run (repriced_offers and the repricing metrics).
 */
export const feePricing: SellerForceFactory = (context) => ({
  name: 'fee-pricing',
  init() {
    if (!context.params.feePricing) return
    const { products } = context.market
    for (let i = 0; i < products.count; i++) {
      const floor = priceFloor(context, i)
      if (products.price[i] >= floor) continue
      const raised = Math.ceil(floor * 100) / 100
      products.priceElsewhere[i] = Math.round(products.priceElsewhere[i] * (raised / products.price[i]) * 100) / 100
      products.price[i] = raised
    }
  },
})

/**
 * Price competition on price-first platforms (Temu; seed 000: competitors pour in and supply
 * prices fall). Within each identical-product group, a seller entering undercuts the cheapest offer
 * already listed by one priceCutStep, and after each round every listed offer that is not the
 * cheapest cuts its declared price by priceCutStep; never below the offer's floor. Factories, with
 * lower costs and margins, can go lowest (F5). Inactive on other platforms.
 */
export const priceCompetition: SellerForceFactory = (context) => {
  const { market, params, rules } = context
  const { products, sellers } = market
  if (!rules.priceFirst) return { name: 'price-competition' }
  const { start, items } = indexByKey(market.groupCount, products.group)
  /** Offer i asks one step below `reference` (to the cent), never above its price nor below its floor. */
  const cut = (i: number, reference: number) => {
    const target = Math.round(reference * (1 - params.priceCutStep) * 100) / 100
    products.price[i] = Math.max(priceFloor(context, i), Math.min(products.price[i], target))
  }
  /** The lowest declared price among a group's listed offers whose sellers joined before `round`. */
  const cheapest = (g: number, round: number) => {
    let low = Infinity
    for (let j = start[g]; j < start[g + 1]; j++) {
      const i = items[j]
      if (products.listed[i] && sellers.joinRound[products.seller[i]] < round && products.price[i] < low) low = products.price[i]
    }
    return low
  }
  return {
    name: 'price-competition',
    startRound(r) {
      if (r === 0) return
      for (let g = 0; g + 1 < start.length; g++) {
        let low = NaN
        for (let j = start[g]; j < start[g + 1]; j++) {
          const i = items[j]
          if (sellers.joinRound[products.seller[i]] !== r) continue
          if (Number.isNaN(low)) low = cheapest(g, r)
          if (low !== Infinity) cut(i, low)
        }
      }
    },
    endRound(r) {
      for (let g = 0; g + 1 < start.length; g++) {
        const low = cheapest(g, r + 1)
        for (let j = start[g]; j < start[g + 1]; j++) {
          const i = items[j]
          if (products.listed[i] && products.price[i] > low) cut(i, products.price[i])
        }
      }
    },
  }
}
