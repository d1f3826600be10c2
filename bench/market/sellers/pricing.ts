import { ARCHETYPES, DEPARTMENTS, indexByKey } from '../../../core/catalog.ts'
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
  const cover =
    products.unitCost[i] * (1 + params.minMargin[ARCHETYPES[sellers.archetype[seller]]]) +
    rules.fulfilmentFee(products.weightLb[i], sellers.origin[seller] === 1)
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
 * prices fall). After each round every listed offer that is not the cheapest of its
 * identical-product group, or that sold nothing, cuts its declared price by priceCutStep: where
 * price decides the traffic, an offer without orders has only its price to lower. Entrants list at
 * their own price and follow the same rule. Never below the offer's floor, so the sellers with the
 * best cost control go lowest and traders, buying their goods in, are squeezed out (F5, seed 000).
 * Inactive on other platforms.
 */
export const priceCompetition: SellerForceFactory = (context) => {
  const { market, params, rules, ledger } = context
  const { products } = market
  if (!rules.priceFirst) return { name: 'price-competition' }
  const { start, items } = indexByKey(market.groupCount, products.group)
  /** The lowest declared price among a group's listed offers. */
  const cheapest = (g: number) => {
    let low = Infinity
    for (let j = start[g]; j < start[g + 1]; j++)
      if (products.listed[items[j]] && products.price[items[j]] < low) low = products.price[items[j]]
    return low
  }
  return {
    name: 'price-competition',
    endRound() {
      for (let g = 0; g + 1 < start.length; g++) {
        const low = cheapest(g)
        for (let j = start[g]; j < start[g + 1]; j++) {
          const i = items[j]
          if (!products.listed[i] || (products.price[i] <= low && ledger.orders[i] > 0)) continue
          // One step down, to the cent, never below the offer's floor.
          products.price[i] = Math.max(
            priceFloor(context, i),
            Math.min(products.price[i], Math.round(products.price[i] * (1 - params.priceCutStep) * 100) / 100),
          )
        }
      }
    },
  }
}
