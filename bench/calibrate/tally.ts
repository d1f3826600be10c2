import type { LoggedSession } from '../log/sessions.ts'
import type { LogTables } from '../log/tables.ts'
import type { PairCounts } from './pbm.ts'

/** CPCs are tallied in log-spaced bins from $0.001 to $1,000 (3.5% wide): quantiles without keeping every click. */
const CPC_LOW = 1e-3
const CPC_BINS = 400
const CPC_DECADES = 6

/**
 * Everything the fit reads of a log, tallied in one pass over its sessions with a weight per session
 * (1 for the log itself; Poisson(1) draws for a bootstrap replicate). Memory is flat in the log's
 * length: the largest table is one entry per distinct (product, position) shown.
 */
export class Tally {
  readonly pairs: PairCounts
  readonly positionImpressions: Float64Array
  readonly positionClicks: Float64Array
  sessions = 0
  clicks = 0
  orders = 0
  gmv = 0
  impressions = 0
  sponsoredImpressions = 0
  sponsoredClicks = 0
  adRevenue = 0
  /** By category (the last entry: sessions whose category is unknown). */
  readonly categorySessions: Float64Array
  readonly categoryClicks: Float64Array
  readonly categoryOrders: Float64Array
  readonly roundSessions: Float64Array
  readonly cpcBins = new Float64Array(CPC_BINS + 2)
  /** Per seller, the index (in `rounds`) of the first and last round it was shown in a weighted session; -1 never. */
  readonly firstRound: Int32Array
  readonly lastRound: Int32Array
  /** Per product: clicks, orders and the retail prices paid (the catalog's prices come from them). */
  readonly productClicks: Float64Array
  readonly productOrders: Float64Array
  readonly productRevenue: Float64Array

  constructor(
    private readonly index: PairIndex,
    private readonly tables: LogTables,
    readonly rounds: readonly number[],
  ) {
    const n = index.size
    this.pairs = {
      product: index.product,
      position: index.position,
      impressions: new Float64Array(n),
      clicks: new Float64Array(n),
    }
    this.positionImpressions = new Float64Array(index.positions)
    this.positionClicks = new Float64Array(index.positions)
    const categories = tables.categories.count + 1
    this.categorySessions = new Float64Array(categories)
    this.categoryClicks = new Float64Array(categories)
    this.categoryOrders = new Float64Array(categories)
    this.roundSessions = new Float64Array(rounds.length)
    this.firstRound = new Int32Array(tables.sellers.count).fill(-1)
    this.lastRound = new Int32Array(tables.sellers.count).fill(-1)
    this.productClicks = new Float64Array(tables.products.count)
    this.productOrders = new Float64Array(tables.products.count)
    this.productRevenue = new Float64Array(tables.products.count)
  }

  /** Adds one session with weight w (its round's index in `rounds`). */
  add(s: LoggedSession, roundIndex: number, w: number): void {
    if (w === 0) return
    const { remap, products } = this.tables
    this.sessions += w
    this.roundSessions[roundIndex] += w
    const first = s.count > 0 ? remap[s.product[0]] : -1
    const category =
      first >= 0 && products.category[first] >= 0 ? products.category[first] : this.categorySessions.length - 1
    this.categorySessions[category] += w
    let clicks = 0
    for (let i = 0; i < s.count; i++) {
      const p = remap[s.product[i]]
      const k = s.position[i]
      const pair = this.index.get(p, k)
      const c = s.clicked[i]
      this.pairs.impressions[pair] += w
      this.positionImpressions[k - 1] += w
      if (c) {
        this.pairs.clicks[pair] += w
        this.productClicks[p] += w
        this.positionClicks[k - 1] += w
        clicks++
      }
      if (s.sponsored[i]) {
        this.sponsoredImpressions += w
        if (c) {
          this.sponsoredClicks += w
          this.adRevenue += w * s.cpc[i]
          this.cpcBins[cpcBin(s.cpc[i])] += w
        }
      }
      const seller = products.seller[p]
      if (this.firstRound[seller] < 0) this.firstRound[seller] = roundIndex
      this.lastRound[seller] = roundIndex
    }
    this.impressions += w * s.count
    this.clicks += w * clicks
    this.categoryClicks[category] += w * clicks
    if (s.purchasedSlot >= 0) {
      this.orders += w
      this.gmv += w * s.price
      this.categoryOrders[category] += w
      const bought = remap[s.product[s.purchasedSlot]]
      this.productOrders[bought] += w
      this.productRevenue[bought] += w * s.price
    }
  }

  /** The CPC at quantile q of sponsored clicks (NaN without any), interpolated inside its bin on a log scale. */
  cpcQuantile(q: number): number {
    const total = this.sponsoredClicks
    if (total <= 0) return NaN
    let below = 0
    for (let b = 0; b < this.cpcBins.length; b++) {
      const here = this.cpcBins[b]
      if (here > 0 && below + here >= q * total) {
        if (b === 0) return 0
        const within = (q * total - below) / here
        return binLow(b) * (binLow(b + 1) / binLow(b)) ** within
      }
      below += here
    }
    return binLow(this.cpcBins.length - 1)
  }
}

/** Bin 0 holds CPCs below $0.001 (free clicks included); the last, those from $1,000 up. */
function cpcBin(cpc: number): number {
  if (cpc < CPC_LOW) return 0
  const b = 1 + Math.floor((Math.log10(cpc / CPC_LOW) / CPC_DECADES) * CPC_BINS)
  return Math.min(b, CPC_BINS + 1)
}
const binLow = (b: number) => CPC_LOW * 10 ** (((b - 1) / CPC_BINS) * CPC_DECADES)

/** The distinct (product, position) pairs of a log, numbered: built in a first pass, looked up in every other. */
export class PairIndex {
  private readonly map = new Map<number, number>()
  private productList: number[] = []
  private positionList: number[] = []
  product = new Int32Array(0)
  position = new Int32Array(0)

  constructor(readonly positions: number) {}

  get size(): number {
    return this.productList.length || this.product.length
  }

  add(product: number, position: number): void {
    const key = product * (this.positions + 1) + position
    if (this.map.has(key)) return
    this.map.set(key, this.productList.length)
    this.productList.push(product)
    this.positionList.push(position)
  }

  /** Done adding: the pairs' columns as typed arrays. */
  seal(): this {
    this.product = Int32Array.from(this.productList)
    this.position = Int32Array.from(this.positionList)
    this.productList = []
    this.positionList = []
    return this
  }

  get(product: number, position: number): number {
    return this.map.get(product * (this.positions + 1) + position)!
  }
}
