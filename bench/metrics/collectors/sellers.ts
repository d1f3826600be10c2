import { defineCollector, type RoundView, type SourceTables } from '../../market/stream.ts'

/** Per seller: what its products were shown, clicked and bought, what it billed and spent on ads. */
export interface SellerValues {
  exposure: Float64Array
  impressions: Float64Array
  clicks: Float64Array
  orders: Float64Array
  revenue: Float64Array
  adSpend: Float64Array
}
export type SellerTotals = SellerValues

const SELLER_VALUE_KEYS = ['exposure', 'impressions', 'clicks', 'orders', 'revenue', 'adSpend'] as const

export function sellerValues(sellers: number): SellerValues {
  const column = () => new Float64Array(sellers)
  return {
    exposure: column(),
    impressions: column(),
    clicks: column(),
    orders: column(),
    revenue: column(),
    adSpend: column(),
  }
}

/** A product tally summed by seller, in catalog order, into `out` (overwritten). */
export function sumBySeller(products: SourceTables['products'], tally: ArrayLike<number>, out: Float64Array): void {
  out.fill(0)
  for (let i = 0; i < products.count; i++) out[products.seller[i]] += tally[i]
}

/**
 * One round's values per seller, into `into` (reused round after round). The one definition of a
 * seller's round: seller_rounds.csv writes it, and sellers.csv's totals are its sum over rounds in
 * round order (sellerTotals), so the rounds of a seller add up to its total to the last bit.
 */
export function roundSellerValues(products: SourceTables['products'], v: RoundView, into: SellerValues): void {
  sumBySeller(products, v.exposure, into.exposure)
  sumBySeller(products, v.impressions, into.impressions)
  sumBySeller(products, v.clicks, into.clicks)
  sumBySeller(products, v.orders, into.orders)
  into.revenue.set(v.sellerRevenue)
  into.adSpend.set(v.sellerAdSpend)
}

/** Each seller's totals over the run (sellers.csv and the seller-side summary metrics): Σ of its rounds' values. */
export const sellerTotals = defineCollector({
  name: 'seller-totals',
  create({ tables: { products, sellers } }) {
    const round = sellerValues(sellers.count)
    const t = sellerValues(sellers.count)
    return {
      roundEnd(v) {
        roundSellerValues(products, v, round)
        for (const key of SELLER_VALUE_KEYS) {
          const total = t[key]
          const add = round[key]
          for (let s = 0; s < sellers.count; s++) total[s] += add[s]
        }
      },
      result: () => t,
    }
  },
})

/** Each seller's fees paid and profit over the run (sellers.csv fees and profit, median_seller_margin). */
export const sellerCosts = defineCollector({
  name: 'seller-costs',
  needs: ['costs'],
  create({ tables: { sellers } }) {
    const t = { fees: new Float64Array(sellers.count), profit: new Float64Array(sellers.count) }
    return {
      roundEnd(v) {
        for (let s = 0; s < sellers.count; s++) t.fees[s] += v.sellerFees[s]
      },
      roundClosed(v) {
        for (let s = 0; s < sellers.count; s++) t.profit[s] += v.sellerProfit[s]
      },
      result: () => t,
    }
  },
})
