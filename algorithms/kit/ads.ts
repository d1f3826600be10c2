import type { MarketView } from './contract.ts'
import type { Slots } from './slots.ts'

/**
 * A product's CPC bid as it can enter an auction now: 0 when its seller's round budget is spent or it is not listed.
 */
export function effectiveBid(market: MarketView, product: number): number {
  const seller = market.products.seller[product]
  return market.products.listed[product] && market.sellers.budgetLeft[seller] > 0 ? market.products.bid[product] : 0
}

/**
 * Fills the slots: pinned items (sponsored winners with their CPC, or any item a plugin pins, CPC 0)
 * go to their positions (0-based, ascending); every other slot takes the next organic product not
 * already pinned. Leftover pinned items, if organic results run out, follow at the end.
 */
export function placePinned(
  slots: Slots,
  positions: readonly number[],
  ads: Int32Array,
  adPrices: ArrayLike<number>,
  adCount: number,
  organic: Int32Array,
  organicCount: number,
): void {
  let nextAd = 0
  let nextOrganic = 0
  for (let r = 0; r < slots.capacity; r++) {
    if (nextAd < adCount && positions[nextAd] === r) {
      slots.push(ads[nextAd], adPrices[nextAd])
      nextAd++
      continue
    }
    while (nextOrganic < organicCount && isAmong(organic[nextOrganic], ads, adCount)) nextOrganic++
    if (nextOrganic < organicCount) slots.push(organic[nextOrganic++])
    else if (nextAd < adCount) {
      slots.push(ads[nextAd], adPrices[nextAd])
      nextAd++
    } else break
  }
}

function isAmong(product: number, list: Int32Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (list[i] === product) return true
  return false
}
