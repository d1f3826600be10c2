import type { SellerForceFactory } from './force.ts'

/**
 * Entry and exit. Entrants join on their join round; every active seller's ad budget is refilled
 * each round. A seller exits when its profit over its last exitWindow rounds (or all its rounds, if
 * fewer) is negative, once it has been in the market exitMinAge rounds. Profit = margin of its
 * orders − ad spend − overheadPerStore × stores.
 */
export const lifeCycle: SellerForceFactory = ({ market, params, ledger, profit, syncListings }) => {
  const { sellers } = market
  const window = params.exitWindow
  /** Profit of each seller's last `window` rounds, ring buffer sellers × window (zero before joining). */
  const history = new Float64Array(sellers.count * window)
  return {
    name: 'life-cycle',
    startRound(r) {
      let entered = false
      for (let s = 0; s < sellers.count; s++) {
        if (r > 0 && sellers.joinRound[s] === r) {
          sellers.active[s] = 1
          entered = true
        }
        sellers.budgetLeft[s] = sellers.active[s] ? sellers.adBudget[s] : 0
      }
      if (entered) syncListings()
    },
    endRound(r) {
      let exited = false
      for (let s = 0; s < sellers.count; s++) {
        if (!sellers.active[s]) {
          profit[s] = 0
          continue
        }
        profit[s] = ledger.sellerMargin[s] - ledger.sellerAdSpend[s] - params.overheadPerStore * sellers.stores[s]
        history[s * window + (r % window)] = profit[s]
        if (r - sellers.joinRound[s] + 1 < params.exitMinAge) continue
        let recent = 0
        for (let j = 0; j < window; j++) recent += history[s * window + j]
        if (recent < 0) {
          sellers.active[s] = 0
          exited = true
        }
      }
      if (exited) syncListings()
    },
  }
}
