import { defineCollector } from '../../market/types.ts'

export interface SellerTotals {
  exposure: Float64Array
  impressions: Float64Array
  clicks: Float64Array
  orders: Float64Array
  revenue: Float64Array
  adSpend: Float64Array
  fees: Float64Array
  profit: Float64Array
}

/** Each seller's totals over the run (sellers.csv and the seller-side summary metrics). */
export const sellerTotals = defineCollector<SellerTotals>({
  name: 'seller-totals',
  create({ market }) {
    const column = () => new Float64Array(market.sellers.count)
    const t: SellerTotals = {
      exposure: column(),
      impressions: column(),
      clicks: column(),
      orders: column(),
      revenue: column(),
      adSpend: column(),
      fees: column(),
      profit: column(),
    }
    const { products } = market
    return {
      roundEnd(v) {
        for (let i = 0; i < products.count; i++) {
          const s = products.seller[i]
          t.exposure[s] += v.exposure[i]
          t.impressions[s] += v.impressions[i]
          t.clicks[s] += v.clicks[i]
          t.orders[s] += v.orders[i]
        }
        for (let s = 0; s < market.sellers.count; s++) {
          t.revenue[s] += v.sellerRevenue[s]
          t.adSpend[s] += v.sellerAdSpend[s]
          t.fees[s] += v.sellerFees[s]
        }
      },
      roundClosed(v) {
        for (let s = 0; s < market.sellers.count; s++) t.profit[s] += v.sellerProfit[s]
      },
      result: () => t,
    }
  },
})
