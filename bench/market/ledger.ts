import type { PlatformRules } from '../../algorithms/kit/contract.ts'
import type { Slots } from '../../algorithms/kit/slots.ts'
import { type Catalog, DEPARTMENTS } from '../../core/catalog.ts'
import { normal, type Rng } from '../../core/rng.ts'
import type { RoundTotals, SessionOutcome } from './types.ts'

export function emptyTotals(): RoundTotals {
  return {
    sessions: 0,
    rankedSessions: 0,
    orders: 0,
    gmv: 0,
    commission: 0,
    fulfilmentFees: 0,
    adRevenue: 0,
    impressions: 0,
    sponsoredImpressions: 0,
    sponsoredClicks: 0,
  }
}

/**
 * The books: impressions and exposure of what was shown, ad charges per click, orders with their
 * fees, and the reviews orders leave. Per product and per seller for the current round; the
 * round's tallies flow into the market's cumulative columns when it closes.
 */
export class Ledger {
  readonly impressions: Int32Array
  readonly clicks: Int32Array
  readonly orders: Int32Array
  readonly exposure: Float64Array
  /**
   * Per seller: declared price × units, referral + fulfilment fees, ad spend,
   * margin (declared − fees − unit cost), margin of ad-driven orders.
   */
  readonly sellerRevenue: Float64Array
  readonly sellerFees: Float64Array
  readonly sellerAdSpend: Float64Array
  readonly sellerMargin: Float64Array
  readonly sellerAdMargin: Float64Array
  readonly totals = emptyTotals()
  readonly runTotals = emptyTotals()

  constructor(
    private readonly m: Catalog,
    private readonly rules: PlatformRules,
    private readonly reviewRate: number,
    private readonly rng: Rng,
  ) {
    const nP = m.products.count
    const nS = m.sellers.count
    this.impressions = new Int32Array(nP)
    this.clicks = new Int32Array(nP)
    this.orders = new Int32Array(nP)
    this.exposure = new Float64Array(nP)
    this.sellerRevenue = new Float64Array(nS)
    this.sellerFees = new Float64Array(nS)
    this.sellerAdSpend = new Float64Array(nS)
    this.sellerMargin = new Float64Array(nS)
    this.sellerAdMargin = new Float64Array(nS)
  }

  startRound(): void {
    for (const column of [
      this.impressions,
      this.clicks,
      this.orders,
      this.exposure,
      this.sellerRevenue,
      this.sellerFees,
      this.sellerAdSpend,
      this.sellerMargin,
      this.sellerAdMargin,
    ])
      column.fill(0)
    Object.assign(this.totals, emptyTotals())
  }

  /** Every filled slot is an impression carrying its position's examination weight as exposure. */
  show(slots: Slots, exam: Float64Array): void {
    const t = this.totals
    for (let r = 0; r < slots.count; r++) {
      const p = slots.products[r]
      this.exposure[p] += exam[r]
      this.impressions[p]++
      if (slots.cpc[r] > 0) t.sponsoredImpressions++
    }
    t.impressions += slots.count
  }

  /** A click; on a sponsored slot the advertiser pays its CPC. */
  click(p: number, cpc: number): void {
    this.clicks[p]++
    if (cpc <= 0) return
    const seller = this.m.products.seller[p]
    this.m.sellers.budgetLeft[seller] -= cpc
    this.sellerAdSpend[seller] += cpc
    this.totals.adRevenue += cpc
    this.totals.sponsoredClicks++
  }

  /**
   * An order of product p: retail price, referral and fulfilment fees, the seller's margin; maybe a review. Fills the
   * outcome's order fields.
   */
  order(p: number, viaAd: boolean, outcome: SessionOutcome): void {
    const { products, sellers, categories } = this.m
    const rules = this.rules
    const seller = products.seller[p]
    const declared = products.price[p]
    const retail = declared * rules.retailMarkup
    const referral = rules.referralRate(DEPARTMENTS[categories.department[products.category[p]]], retail) * retail
    const local = sellers.origin[seller] === 1
    const fulfilment = rules.fulfilmentFee(products.weightLb[p], local)
    const margin = declared - referral - fulfilment - products.unitCost[p]
    const t = this.totals
    this.orders[p]++
    t.orders++
    t.gmv += retail
    t.commission += referral + (retail - declared)
    t.fulfilmentFees += fulfilment
    this.sellerRevenue[seller] += declared
    this.sellerFees[seller] += referral + fulfilment
    this.sellerMargin[seller] += margin
    if (viaAd) this.sellerAdMargin[seller] += margin
    outcome.retailPrice = retail
    outcome.declaredPrice = declared
    outcome.deliveryDays = rules.deliveryDays(sellers.deliveryDays[seller], local)
    // Reviews centre on true quality: stars = round(1 + 4 quality + 0.7 N(0,1)), clipped to 1–5.
    if (this.rng() < this.reviewRate) {
      products.reviews[p]++
      products.ratingSum[p] += Math.min(
        5,
        Math.max(1, Math.round(1 + 4 * products.quality[p] + 0.7 * normal(this.rng))),
      )
    }
  }

  /**
   * Adds the round's tallies to the market's cumulative columns and the run's totals; sales velocity decays and grows.
   */
  closeRound(velocityDecay: number): void {
    const { products } = this.m
    for (let i = 0; i < products.count; i++) {
      products.impressions[i] += this.impressions[i]
      products.clicks[i] += this.clicks[i]
      products.exposure[i] += this.exposure[i]
      products.sales[i] += this.orders[i]
      products.salesVelocity[i] = velocityDecay * products.salesVelocity[i] + this.orders[i]
    }
    for (const key of Object.keys(this.runTotals) as (keyof typeof this.runTotals)[])
      this.runTotals[key] += this.totals[key]
  }
}
