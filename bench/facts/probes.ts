import type { Plugin } from '../../algorithms/kit/contract.ts'
import { amazonReferralRate } from '../../algorithms/kit/fees.ts'
import { type TinyProduct, tinyMarket } from '../../datasets/tiny.ts'
import { rankOnce, searchSession } from '../check/session.ts'

/** What a probe found: whether the rule holds, and what was measured, in words. */
export interface ProbeResult {
  holds: boolean
  measured: string
}

/**
 * Facts stated as properties of a plugin's rule rather than of a market outcome,
 * checked by running the plugin's real code on hand-made markets.
 */
export const PROBES: Record<string, (plugins: Map<string, Plugin>) => ProbeResult> = {
  /** F13: clothing referral fees of 5% under $15, 10% from $15 to $20, 17% above. */
  'amazon-clothing-fee-brackets': () => {
    const expected: [number, number][] = [
      [9.99, 0.05],
      [14.99, 0.05],
      [15, 0.1],
      [19.99, 0.1],
      [20.01, 0.17],
      [40, 0.17],
    ]
    const got = expected.map(([price]) => amazonReferralRate('clothing', price))
    return {
      holds: expected.every(([, rate], i) => got[i] === rate),
      measured: expected.map(([price], i) => `$${price}: ${Math.round(got[i] * 100)}%`).join(', '),
    }
  },
  /** F14: rating, repurchase rate and the store's standing each lift a listing in amazon's organic ranking. */
  'amazon-score-signals': (plugins) => {
    const amazon = plugins.get('amazon')!
    const base = { reviews: 40, rating: 4, salesVelocity: 3, sales: 20 }
    const lifts = (changed: Partial<TinyProduct>, extra: TinyProduct[] = []) => {
      const market = tinyMarket([{}, {}], [{ ...base, seller: 0 }, { ...base, ...changed, seller: 1 }, ...extra])
      return rankOnce(amazon, market, searchSession([0, 1], [0.8, 0.8]), { adSlots: 0 }).products[0] === 1
    }
    const signals = {
      rating: lifts({ rating: 4.8 }),
      'repeat purchase': lifts({ repeatRate: 0.4 }),
      // The store of product 1 sells a lot elsewhere (product 2, not a candidate here).
      'store standing': lifts({}, [{ seller: 1, sales: 5000 }]),
    }
    return {
      holds: Object.values(signals).every(Boolean),
      measured: Object.entries(signals)
        .map(([name, ok]) => `${name} ${ok ? 'lifts' : 'does not lift'}`)
        .join(', '),
    }
  },
  /**
   * F3: on amazon an ad with a high bid but low relevance wins a smaller share of ad slots than its share of the bids.
   */
  'amazon-ad-relevance': (plugins) => {
    const amazon = plugins.get('amazon')!
    const sellers = Array.from({ length: 5 }, () => ({ adBudget: 100 }))
    const products = [{ seller: 0, bid: 2 }, ...[1, 2, 3, 4].map((seller) => ({ seller, bid: 0.5 }))]
    const market = tinyMarket(sellers, products)
    const bidShare = 2 / 4
    const shares = [0.3, 0.45].map((relevance) => {
      const { products: shown, cpc } = rankOnce(
        amazon,
        market,
        searchSession([0, 1, 2, 3, 4], [relevance, 0.9, 0.9, 0.9, 0.9]),
      )
      const sponsored = shown.filter((_, i) => cpc[i] > 0)
      return sponsored.length ? sponsored.filter((p) => p === 0).length / sponsored.length : 0
    })
    return {
      holds: shares.every((s) => s < bidShare),
      measured: `bid share ${bidShare}; sponsored slots won at relevance 0.3: ${shares[0]}, at 0.45: ${shares[1]}`,
    }
  },
}
