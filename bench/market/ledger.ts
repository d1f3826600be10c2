import type { PlatformRules } from '../../algorithms/kit/contract.ts'
import { type Catalog, DEPARTMENTS } from '../../core/catalog.ts'
import { normal, type Rng } from '../../core/rng.ts'
import { Book } from './book.ts'
import type { SessionOutcome } from './stream.ts'

/**
 * The simulation's own books beside the shared Book: ad budgets spent per click, each order's
 * fees and the seller's margin, the reviews orders leave, and, as a round closes, the market's
 * cumulative columns. The Book tallies impressions, exposure, clicks, ad charges and orders.
 */
export class Ledger {
  readonly book: Book
  /** Per seller, this round: margin (declared − fees − unit cost) of all orders and of ad-driven orders. */
  readonly sellerMargin: Float64Array
  readonly sellerAdMargin: Float64Array

  constructor(
    private readonly m: Catalog,
    private readonly rules: PlatformRules,
    private readonly reviewRate: number,
    private readonly rng: Rng,
    exam: Float64Array,
  ) {
    this.book = new Book(m.products.seller, m.sellers.count, exam)
    this.sellerMargin = new Float64Array(m.sellers.count)
    this.sellerAdMargin = new Float64Array(m.sellers.count)
  }

  // The Book's columns, read by the seller forces and the plugin's round feedback.
  get impressions(): Int32Array {
    return this.book.impressions
  }
  get clicks(): Int32Array {
    return this.book.clicks
  }
  get orders(): Int32Array {
    return this.book.orders
  }
  get exposure(): Float64Array {
    return this.book.exposure
  }
  get sellerAdSpend(): Float64Array {
    return this.book.sellerAdSpend
  }

  startRound(round: number): void {
    this.book.startRound(round)
    this.sellerMargin.fill(0)
    this.sellerAdMargin.fill(0)
  }

  /** A click on a sponsored slot spends the advertiser's budget (the Book charges it when the session is recorded). */
  click(p: number, cpc: number): void {
    if (cpc <= 0) return
    this.m.sellers.budgetLeft[this.m.products.seller[p]] -= cpc
  }

  /**
   * An order of product p: retail price, referral and fulfilment fees, the seller's margin; maybe a
   * review. Fills the outcome's order fields.
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
    const t = this.book.totals
    t.commission += referral + (retail - declared)
    t.fulfilmentFees += fulfilment
    this.book.sellerFees[seller] += referral + fulfilment
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
   * Adds the round's tallies to the market's cumulative columns and the run's totals; sales velocity
   * decays and grows.
   */
  closeRound(velocityDecay: number): void {
    addRoundToCatalog(this.m, this.book, velocityDecay)
    this.book.closeRound()
  }
}

/**
 * A round's tallies into the market's cumulative columns (what plugins observe): impressions, clicks,
 * exposure and sales add up; sales velocity decays and grows. The engine's rounds and a log's history
 * (bench rerank) both close this way.
 */
export function addRoundToCatalog(m: Catalog, b: Book, velocityDecay: number): void {
  const { products } = m
  for (let i = 0; i < products.count; i++) {
    products.impressions[i] += b.impressions[i]
    products.clicks[i] += b.clicks[i]
    products.exposure[i] += b.exposure[i]
    products.sales[i] += b.orders[i]
    products.salesVelocity[i] = velocityDecay * products.salesVelocity[i] + b.orders[i]
  }
}
