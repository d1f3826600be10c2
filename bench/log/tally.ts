import { examinationWeights } from '../../algorithms/kit/attention.ts'
import { InputError } from '../../core/errors.ts'
import { TOP_PER_CATEGORY } from '../metrics/collectors/persistence.ts'
import { type ImpressionRow, ImpressionRowSchema, type PositionWeights, REQUIRED_LOG_COLUMNS } from './format.ts'
import type { ProductInfo, SellerInfo } from './inputs.ts'
import type { RowVisitor } from './read.ts'
import { COUNTS, type LogTotals, naturalKey, type RoundTotals } from './totals.ts'

/** ndcg_at_10's depth and its discount 1/log2(r+1) (fixed: --position-bias changes exposure only). */
const NDCG_DEPTH = 10
const NDCG_DISCOUNT = examinationWeights(NDCG_DEPTH)
/** How far back a reappearing session_id is caught (bounded, so memory does not grow with the log). */
export const RECENT_SESSIONS = 4096

const ONE_EMPTY_ROW =
  'a session that showed nothing has exactly one row, with a blank position; this session has other rows'

/**
 * One streaming pass over an impression log. It keeps per-seller, per-product and per-round
 * tallies only, so memory does not grow with the number of rows. Sums are accumulated in the
 * order the engine uses (per round, then into the run's totals), so a log the simulator wrote
 * reproduces its numbers exactly.
 */
export class LogTally implements RowVisitor {
  private col: Record<string, number> = {}
  private hasRelevance = false
  private categoryFromLog = false
  /** A product was shown whose category neither the log nor --products gives: no rank_persistence. */
  private shownWithoutCategory = false
  private rowCount = 0

  // Sellers: the --sellers population (closed), else every seller the log or --products names.
  private readonly sellerIndex = new Map<string, number>()
  private readonly sellerIds: string[] = []
  private readonly sellersClosed: boolean
  private readonly s = {
    exposure: [] as number[],
    impressions: [] as number[],
    clicks: [] as number[],
    orders: [] as number[],
    revenue: [] as number[],
    adSpend: [] as number[],
  }
  private readonly roundSellerExposure: number[] = []
  private readonly roundAdSpend: number[] = []
  private readonly sellerSeenRound: number[] = []

  // Products: seller, category, catalog order (for ties), exposure in the current round.
  private readonly productIndex = new Map<string, number>()
  private readonly productIds: string[] = []
  private readonly productSeller: number[] = []
  private readonly productCategory: number[] = []
  private readonly productExposure: number[] = []
  private readonly productSeenRound: number[] = []
  private readonly productsClosed: boolean
  private readonly categoryIndex = new Map<string, number>()
  private readonly byCatalogOrder: (a: number, b: number) => number

  // The current round and session.
  private round = -1
  private current: RoundTotals | null = null
  private touchedProducts: number[] = []
  private touchedSellers: number[] = []
  private sessionId: string | null = null
  private sessionShown = 0
  private sessionEmpty = false
  /**
   * positionSession[r] = the session number that last showed position r: duplicate positions without a Set per session.
   */
  private positionSession = new Int32Array(64).fill(-1)
  private readonly gains: number[] = []
  private dcg = 0
  /** The current round's last RECENT_SESSIONS session ids, as a set and a ring in arrival order. */
  private readonly recent = new Set<string>()
  private readonly recentRing: (string | undefined)[] = new Array(RECENT_SESSIONS)
  private recentAt = 0

  private readonly totals = {
    rows: 0,
    sessions: 0,
    shownSessions: 0,
    ndcgSum: 0,
    impressions: 0,
    sponsoredImpressions: 0,
    sponsoredClicks: 0,
    adRevenue: 0,
    orders: 0,
    gmv: 0,
  }
  private readonly rounds: RoundTotals[] = []

  constructor(
    private readonly where: () => string,
    private readonly weights: PositionWeights,
    private readonly sellers: SellerInfo | null,
    private readonly products: ProductInfo | null,
  ) {
    for (const id of sellers?.id ?? []) this.addSeller(id)
    this.sellersClosed = sellers !== null
    for (let i = 0; i < (products?.id.length ?? 0); i++)
      this.addProduct(
        products!.id[i],
        this.sellerOf(products!.seller[i], 'seller_id'),
        products!.category ? this.categoryOf(products!.category[i]) : -1,
      )
    this.productsClosed = products !== null
    // Ties go to the product earlier in catalog order, as in the engine: the --products order, else
    // natural id order (p2 before p10), which is the order of a generated catalog's ids.
    const keys: string[] = []
    const key = (p: number) => (keys[p] ??= naturalKey(this.productIds[p]))
    this.byCatalogOrder = products ? (a, b) => a - b : (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
  }

  header(columns: readonly string[]): void {
    const missing = REQUIRED_LOG_COLUMNS.filter((c) => !columns.includes(c))
    if (missing.length)
      throw new InputError(
        `${this.where()}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (columns found: ` +
          `${columns.join(', ')})`,
      )
    for (const c of Object.keys(ImpressionRowSchema.shape)) this.col[c] = columns.indexOf(c)
    this.hasRelevance = columns.includes('relevance')
    this.categoryFromLog = columns.includes('category')
  }

  row(cells: readonly unknown[]): void {
    const c = this.col
    const parsed = ImpressionRowSchema.safeParse({
      session_id: cells[c.session_id],
      round: cells[c.round],
      position: cells[c.position],
      product_id: cells[c.product_id],
      seller_id: cells[c.seller_id],
      sponsored: cells[c.sponsored],
      clicked: cells[c.clicked],
      purchased: cells[c.purchased],
      price: cells[c.price],
      cpc: cells[c.cpc],
      category: cells[c.category],
      query_id: cells[c.query_id],
      relevance: cells[c.relevance],
    })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const column = String(issue.path[0] ?? '')
      throw this.fail(column, cells[c[column]], issue.message)
    }
    this.rowCount++
    this.add(parsed.data)
  }

  /** A session is a run of consecutive rows with one round and session_id (ids may be reused in another round). */
  private add(r: ImpressionRow): void {
    if (r.session_id !== this.sessionId || r.round !== this.round) {
      if (this.sessionId !== null) this.endSession()
      if (r.round !== this.round) {
        if (r.round < this.round)
          throw this.fail('round', r.round, `rows must be in round order, but round ${this.round} came before`)
        if (this.current) this.endRound()
        this.startRound(r.round)
      }
      if (this.recent.has(r.session_id))
        throw this.fail(
          'session_id',
          r.session_id,
          'this session had rows earlier in the round, before other sessions: the rows of one session must be ' +
            'consecutive (sort by round, session_id)',
        )
      this.sessionId = r.session_id
    }

    if (r.position === undefined) {
      if (this.sessionShown > 0 || this.sessionEmpty) throw this.fail('position', undefined, ONE_EMPTY_ROW)
      this.sessionEmpty = true
      return
    }
    if (this.sessionEmpty) throw this.fail('position', r.position, ONE_EMPTY_ROW)
    if (r.position >= this.positionSession.length) this.growPositions(r.position)
    if (this.positionSession[r.position] === this.totals.sessions)
      throw this.fail('position', r.position, `position ${r.position} appears twice in session "${r.session_id}"`)
    this.positionSession[r.position] = this.totals.sessions
    this.sessionShown++

    const round = this.current!
    const p = this.productOf(r.product_id!, r.seller_id!, r.category)
    const s = this.productSeller[p]
    const w = this.weights.at(r.position)
    if (this.productSeenRound[p] !== this.round) {
      this.productSeenRound[p] = this.round
      this.productExposure[p] = 0
      this.touchedProducts.push(p)
    }
    this.productExposure[p] += w
    this.touchSeller(s)
    this.roundSellerExposure[s] += w
    this.s.impressions[s]++
    round.impressions++
    if (r.sponsored) round.sponsoredImpressions++
    if (r.clicked) {
      this.s.clicks[s]++
      if (r.sponsored) {
        round.sponsoredClicks++
        round.adRevenue += r.cpc!
        this.roundAdSpend[s] += r.cpc!
      }
    }
    if (r.purchased) {
      round.orders++
      round.gmv += r.price!
      this.s.orders[s]++
      this.s.revenue[s] += r.price!
      if (round.revenueByArchetype) round.revenueByArchetype[this.sellers!.archetype![s]] += r.price!
    }
    if (this.hasRelevance) {
      if (r.relevance === undefined)
        throw this.fail(
          'relevance',
          undefined,
          'blank, but when the column is present every impression row needs a judgement',
        )
      this.gains.push(r.relevance)
      if (r.position <= NDCG_DEPTH) this.dcg += NDCG_DISCOUNT[r.position - 1] * r.relevance
    }
  }

  /** The totals, once every row has been read. */
  finish(): LogTotals {
    if (this.sessionId === null) throw new InputError(`${this.where()}: the log has a header but no rows`)
    this.endSession()
    this.endRound()
    const f64 = (x: number[]) => Float64Array.from(x)
    return {
      ...this.totals,
      rows: this.rowCount,
      rounds: this.rounds,
      sellers: {
        id: this.sellerIds,
        exposure: f64(this.s.exposure),
        impressions: f64(this.s.impressions),
        clicks: f64(this.s.clicks),
        orders: f64(this.s.orders),
        revenue: f64(this.s.revenue),
        adSpend: f64(this.s.adSpend),
      },
      products: this.productIds.length,
      categories: this.categoryIndex.size,
      hasCategory: !this.shownWithoutCategory,
      hasRelevance: this.hasRelevance,
    }
  }

  private fail(column: string, value: unknown, message: string): InputError {
    return new InputError(
      `${this.where()}, column ${column}${value === undefined || value === '' ? '' : ` (value "${String(value)}")`}: ` +
        `${message}`,
    )
  }

  private addSeller(id: string): number {
    const s = this.sellerIds.length
    this.sellerIndex.set(id, s)
    this.sellerIds.push(id)
    for (const column of Object.values(this.s)) column.push(0)
    this.roundSellerExposure.push(0)
    this.roundAdSpend.push(0)
    this.sellerSeenRound.push(-1)
    return s
  }

  private sellerOf(id: string, column: string): number {
    const s = this.sellerIndex.get(id)
    if (s !== undefined) return s
    if (this.sellersClosed) throw this.fail(column, id, `seller "${id}" is not in ${this.sellers!.file}`)
    return this.addSeller(id)
  }

  private categoryOf(name: string): number {
    let c = this.categoryIndex.get(name)
    if (c === undefined) {
      c = this.categoryIndex.size
      this.categoryIndex.set(name, c)
    }
    return c
  }

  private addProduct(id: string, seller: number, category: number): number {
    const p = this.productIds.length
    this.productIndex.set(id, p)
    this.productIds.push(id)
    this.productSeller.push(seller)
    this.productCategory.push(category)
    this.productExposure.push(0)
    this.productSeenRound.push(-1)
    return p
  }

  /** The product's index; its seller and category must agree with what earlier rows or --products said. */
  private productOf(id: string, sellerId: string, category: string | undefined): number {
    if (category === undefined && this.categoryFromLog && !this.products?.category)
      throw this.fail(
        'category',
        undefined,
        'blank, but when the column is present (and --products gives no category) every impression row needs the ' +
          "product's category",
      )
    let p = this.productIndex.get(id)
    if (p === undefined) {
      if (this.productsClosed) throw this.fail('product_id', id, `product "${id}" is not in ${this.products!.file}`)
      p = this.addProduct(id, this.sellerOf(sellerId, 'seller_id'), -1)
    }
    const source = this.productsClosed ? this.products!.file : 'an earlier row'
    // A known product's seller is checked by comparing ids: no second lookup per row.
    if (this.sellerIds[this.productSeller[p]] !== sellerId)
      throw this.fail(
        'seller_id',
        sellerId,
        `product "${id}" belongs to seller "${this.sellerIds[this.productSeller[p]]}" (${source})`,
      )
    const known = this.productCategory[p]
    if (category !== undefined) {
      const given = this.categoryIndex.get(category)
      if (known < 0) this.productCategory[p] = this.categoryOf(category)
      else if (given !== known)
        throw this.fail(
          'category',
          category,
          `product "${id}" is in category "${[...this.categoryIndex.keys()][known]}" (${source})`,
        )
    } else if (known < 0) this.shownWithoutCategory = true
    return p
  }

  private growPositions(position: number): void {
    const grown = new Int32Array(Math.max(position + 1, 2 * this.positionSession.length)).fill(-1)
    grown.set(this.positionSession)
    this.positionSession = grown
  }

  private touchSeller(s: number): void {
    if (this.sellerSeenRound[s] === this.round) return
    this.sellerSeenRound[s] = this.round
    this.touchedSellers.push(s)
  }

  private startRound(round: number): void {
    this.round = round
    this.recent.clear()
    this.recentRing.fill(undefined)
    this.current = {
      round,
      impressions: 0,
      sponsoredImpressions: 0,
      sponsoredClicks: 0,
      adRevenue: 0,
      orders: 0,
      gmv: 0,
      exposedSellers: new Int32Array(0),
      sellerExposure: new Float64Array(0),
      revenueByArchetype: this.sellers?.archetype ? new Float64Array(3) : null,
      topProducts: new Map(),
    }
  }

  private endSession(): void {
    this.totals.sessions++
    if (this.sessionShown > 0) {
      this.totals.shownSessions++
      if (this.hasRelevance) {
        const best = this.gains.sort((a, b) => b - a)
        let idcg = 0
        for (let i = 0; i < Math.min(NDCG_DEPTH, best.length); i++) idcg += NDCG_DISCOUNT[i] * best[i]
        if (idcg > 0) this.totals.ndcgSum += this.dcg / idcg
      }
    }
    const dropped = this.recentRing[this.recentAt]
    if (dropped !== undefined) this.recent.delete(dropped)
    this.recentRing[this.recentAt] = this.sessionId!
    this.recentAt = (this.recentAt + 1) % RECENT_SESSIONS
    this.recent.add(this.sessionId!)
    this.sessionShown = 0
    this.sessionEmpty = false
    this.gains.length = 0
    this.dcg = 0
  }

  private endRound(): void {
    const round = this.current!
    const sellers = this.touchedSellers.sort((a, b) => a - b)
    round.exposedSellers = Int32Array.from(sellers)
    round.sellerExposure = Float64Array.from(sellers, (s) => this.roundSellerExposure[s])
    for (const s of sellers) {
      this.s.exposure[s] += this.roundSellerExposure[s]
      this.s.adSpend[s] += this.roundAdSpend[s]
      this.roundSellerExposure[s] = 0
      this.roundAdSpend[s] = 0
    }
    round.topProducts = this.topProducts()
    for (const key of COUNTS) this.totals[key] += round[key]
    this.rounds.push(round)
    this.touchedSellers = []
    this.touchedProducts = []
  }

  /**
   * Each category's top products by this round's exposure (as a set); ties go to the earlier product in catalog order.
   */
  private topProducts(): Map<number, Int32Array> {
    const byCategory = new Map<number, number[]>()
    for (const p of this.touchedProducts) {
      const c = this.productCategory[p]
      if (c < 0 || !(this.productExposure[p] > 0)) continue
      const list = byCategory.get(c) ?? []
      list.push(p)
      byCategory.set(c, list)
    }
    const tops = new Map<number, Int32Array>()
    const e = this.productExposure
    for (const [c, list] of byCategory) {
      list.sort((a, b) => e[b] - e[a])
      if (list.length <= TOP_PER_CATEGORY) {
        tops.set(c, Int32Array.from(list))
        continue
      }
      // Only the products tied with the last place need catalog order to decide who gets in.
      const edge = e[list[TOP_PER_CATEGORY - 1]]
      let first = TOP_PER_CATEGORY - 1
      while (first > 0 && e[list[first - 1]] === edge) first--
      let last = TOP_PER_CATEGORY
      while (last < list.length && e[list[last]] === edge) last++
      const tied = list.slice(first, last).sort(this.byCatalogOrder)
      tops.set(c, Int32Array.from([...list.slice(0, first), ...tied.slice(0, TOP_PER_CATEGORY - first)]))
    }
    return tops
  }
}
