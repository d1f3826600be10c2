import { defineCollector } from '../../market/stream.ts'

export interface SellerTotals {
  exposure: Float64Array
  impressions: Float64Array
  clicks: Float64Array
  orders: Float64Array
  revenue: Float64Array
  adSpend: Float64Array
}

/** Each seller's totals over the run (sellers.csv and the seller-side summary metrics). */
export const sellerTotals = defineCollector({
  name: 'seller-totals',
  create({ tables: { products, sellers } }) {
    const column = () => new Float64Array(sellers.count)
    const t: SellerTotals = {
      exposure: column(),
      impressions: column(),
      clicks: column(),
      orders: column(),
      revenue: column(),
      adSpend: column(),
    }
    return {
      roundEnd(v) {
        for (let i = 0; i < products.count; i++) {
          const s = products.seller[i]
          t.exposure[s] += v.exposure[i]
          t.impressions[s] += v.impressions[i]
          t.clicks[s] += v.clicks[i]
          t.orders[s] += v.orders[i]
        }
        for (let s = 0; s < sellers.count; s++) {
          t.revenue[s] += v.sellerRevenue[s]
          t.adSpend[s] += v.sellerAdSpend[s]
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
