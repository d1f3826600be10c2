import { emptyTotals, type RoundView, type SessionOutcome } from './stream.ts'

/**
 * The tally every source shares: each session's impressions, exposure, clicks, ad charges and order
 * into per-product and per-seller columns for the round, and the round's totals into the run's. The
 * engine records a session once its buyer has acted; a log's replay records the logged session. A
 * simulation's fees and profit are the engine's own books (Ledger), added to the same round view.
 */
export class Book {
  readonly impressions: Int32Array
  readonly clicks: Int32Array
  readonly orders: Int32Array
  readonly exposure: Float64Array
  readonly sellerRevenue: Float64Array
  readonly sellerAdSpend: Float64Array
  /** Zero unless the source keeps costs (the engine's Ledger writes them). */
  readonly sellerFees: Float64Array
  readonly sellerProfit: Float64Array
  readonly totals = emptyTotals()
  readonly runTotals = emptyTotals()
  /** The round's tallies as collectors see them (the same arrays). */
  readonly view: RoundView

  /**
   * @param seller each product's seller
   * @param sellers how many sellers
   * @param weights exposure weight of 1-based position p at index p − 1
   */
  constructor(
    private readonly seller: Int32Array,
    sellers: number,
    private readonly weights: Float64Array,
  ) {
    const products = seller.length
    this.impressions = new Int32Array(products)
    this.clicks = new Int32Array(products)
    this.orders = new Int32Array(products)
    this.exposure = new Float64Array(products)
    this.sellerRevenue = new Float64Array(sellers)
    this.sellerAdSpend = new Float64Array(sellers)
    this.sellerFees = new Float64Array(sellers)
    this.sellerProfit = new Float64Array(sellers)
    this.view = {
      round: 0,
      totals: this.totals,
      impressions: this.impressions,
      clicks: this.clicks,
      orders: this.orders,
      exposure: this.exposure,
      sellerRevenue: this.sellerRevenue,
      sellerAdSpend: this.sellerAdSpend,
      sellerFees: this.sellerFees,
      sellerProfit: this.sellerProfit,
    }
  }

  startRound(round: number): void {
    for (const column of [this.impressions, this.clicks, this.orders, this.exposure]) column.fill(0)
    for (const column of [this.sellerRevenue, this.sellerAdSpend, this.sellerFees, this.sellerProfit]) column.fill(0)
    Object.assign(this.totals, emptyTotals())
    this.view.round = round
  }

  /**
   * One session: every slot an impression carrying its position's weight as exposure; a click on a
   * sponsored slot charges its CPC to the seller; an order adds the retail price to GMV and the
   * declared price to the seller's revenue.
   */
  record(o: SessionOutcome): void {
    const t = this.totals
    t.sessions++
    if (o.n > 0) t.rankedSessions++
    for (let r = 0; r < o.count; r++) {
      const p = o.products[r]
      this.exposure[p] += this.weights[o.position[r] - 1]
      this.impressions[p]++
      if (o.sponsored[r] === 1) t.sponsoredImpressions++
    }
    t.impressions += o.count
    for (let r = 0; r < o.count; r++) {
      if (o.clicked[r] !== 1) continue
      const p = o.products[r]
      this.clicks[p]++
      if (o.sponsored[r] !== 1) continue
      const cpc = o.cpc[r]
      this.sellerAdSpend[this.seller[p]] += cpc
      t.adRevenue += cpc
      t.sponsoredClicks++
    }
    if (o.purchasedSlot < 0) return
    const p = o.products[o.purchasedSlot]
    this.orders[p]++
    t.orders++
    t.gmv += o.retailPrice
    this.sellerRevenue[this.seller[p]] += o.declaredPrice
  }

  /** Adds the round's totals to the run's. */
  closeRound(): void {
    for (const key of Object.keys(this.runTotals) as (keyof typeof this.runTotals)[])
      this.runTotals[key] += this.totals[key]
  }
}
