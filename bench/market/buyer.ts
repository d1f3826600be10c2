import type { PlatformRules } from '../../algorithms/kit/contract.ts'
import type { Slots } from '../../algorithms/kit/slots.ts'
import { averageRating, type Catalog } from '../../core/catalog.ts'
import { gumbel, type Rng } from '../../core/rng.ts'
import type { Ledger } from './ledger.ts'
import type { BuyerParams } from './params.ts'
import type { SessionOutcome } from './stream.ts'

/**
 * The buyer: examines slots with position bias, clicks by a logit on relevance, rating, price
 * (and video quality in feeds), then buys at most one clicked item or nothing (multinomial logit
 * with an outside option). Formulas: bench/METRICS.md § buyer model.
 */
export class BuyerModel {
  /** The rating quality (rating − 1) / 4 of each clicked slot, as the click model saw it. */
  private readonly clickedRating: Float64Array
  private readonly clickedSlot: Int32Array

  constructor(
    private readonly m: Catalog,
    private readonly bp: BuyerParams,
    private readonly rules: PlatformRules,
    private readonly exam: Float64Array,
    private readonly ledger: Ledger,
    private readonly rng: Rng,
  ) {
    this.clickedRating = new Float64Array(exam.length)
    this.clickedSlot = new Int32Array(exam.length)
  }

  /** One visit to the filled slots; records clicks and the purchase in the ledger and the outcome. */
  visit(buyer: number, feed: boolean, slots: Slots, o: SessionOutcome): void {
    const { products, sellers } = this.m
    const { bp, rng, exam, ledger } = this
    const markup = this.rules.retailMarkup
    const slotRelevance = o.slotRelevance
    let clicked = 0
    o.clicked.fill(0)
    o.purchasedSlot = -1
    for (let r = 0; r < slots.count; r++) {
      if (rng() >= exam[r]) continue
      const p = slots.products[r]
      const ref = products.refPrice[p]
      const ratingQ = (averageRating(products.reviews[p], products.ratingSum[p]) - 1) / 4
      let z =
        bp.clickBase +
        bp.clickRelevance * slotRelevance[r] +
        bp.clickRating * (ratingQ - 0.5) -
        bp.clickPrice * Math.log((products.price[p] * markup) / ref)
      if (feed) z += bp.clickContent * (sellers.contentSkill[products.seller[p]] - 0.5)
      if (rng() >= 1 / (1 + Math.exp(-z))) continue
      ledger.click(p, slots.cpc[r])
      o.clicked[r] = 1
      this.clickedRating[clicked] = ratingQ
      this.clickedSlot[clicked++] = r
    }
    if (clicked === 0) return

    // Choice among clicked items and the outside option, which is valued on the clicked items' mean
    // reference price: not buying a $5 cable forgoes less than not buying a $500 television.
    const priceWeight = this.m.buyers.priceSensitivity[buyer]
    const deliveryCost = bp.deliveryCostPerDay * this.m.buyers.deliverySensitivity[buyer]
    let sessionRef = 0
    for (let i = 0; i < clicked; i++) sessionRef += products.refPrice[slots.products[this.clickedSlot[i]]] / clicked
    let bestSlot = -1
    let bestNet = sessionRef * (bp.outsideValue + bp.choiceNoise * gumbel(rng))
    for (let i = 0; i < clicked; i++) {
      const r = this.clickedSlot[i]
      const p = slots.products[r]
      const ref = products.refPrice[p]
      // Buyers judge quality half from the product page (true quality) and half from the rating.
      const perceived = 0.5 * products.quality[p] + 0.5 * this.clickedRating[i]
      const value = ref * bp.valueScale * perceived * (0.5 + 0.5 * slotRelevance[r])
      const seller = products.seller[p]
      const days = this.rules.deliveryDays(sellers.deliveryDays[seller], sellers.origin[seller] === 1)
      const net =
        value -
        priceWeight * products.price[p] * markup -
        deliveryCost * ref * days +
        bp.choiceNoise * ref * gumbel(rng)
      if (net > bestNet) {
        bestNet = net
        bestSlot = r
      }
    }
    if (bestSlot < 0) return
    o.purchasedSlot = bestSlot
    ledger.order(slots.products[bestSlot], slots.cpc[bestSlot] > 0, o)
  }
}
