import type { SellerForceFactory } from './force.ts'

/** Bids never rise above this multiple of the category base bid (a seller's sanity cap; assumption). */
const MAX_BID_LEVEL = 8

/**
 * Bid adaptation. An advertiser raises its bid when its ad spend stayed below (1 + adLossTolerance)
 * × the margin its ads earned, and lowers it otherwise; one that won no click at all climbs back
 * towards its normal level (1) but no further, as only returns justify outbidding others.
 * Profitable bidders chasing the same slots thus push the clearing CPC up (F8, seed 000).
 */
export const bidding: SellerForceFactory = ({ market, params, ledger }) => {
  const { sellers, products, categories } = market
  return {
    name: 'bidding',
    endRound() {
      const step = params.bidStep
      for (let s = 0; s < sellers.count; s++) {
        if (!sellers.active[s] || sellers.adBudget[s] <= 0) continue
        const spend = ledger.sellerAdSpend[s]
        const level = sellers.bidLevel[s]
        const next =
          spend === 0
            ? level < 1
              ? Math.min(1, level * (1 + step))
              : level
            : level * (ledger.sellerAdMargin[s] * (1 + params.adLossTolerance) > spend ? 1 + step : 1 - step)
        sellers.bidLevel[s] = Math.min(MAX_BID_LEVEL, Math.max(0.05, next))
      }
      for (let i = 0; i < products.count; i++) {
        const s = products.seller[i]
        if (sellers.adBudget[s] > 0) products.bid[i] = sellers.bidLevel[s] * categories.baseBid[products.category[i]]
      }
    },
  }
}
