import { InputError } from '../../core/errors.ts'
import { type ImpressionRow, ImpressionRowSchema, REQUIRED_LOG_COLUMNS } from './format.ts'
import type { RowVisitor } from './read.ts'

/** How far back a reappearing session_id is caught (bounded, so memory does not grow with the log). */
export const RECENT_SESSIONS = 4096

const ONE_EMPTY_ROW =
  'a session that showed nothing has exactly one row, with a blank position; this session has other rows'

/** One logged session, assembled from its consecutive rows. The arrays are reused: read during the call. */
export interface LoggedSession {
  round: number
  id: string
  /** Impression rows (0 for a session that showed nothing); entries 0 … count − 1 of the arrays are valid. */
  count: number
  /** Each shown product's index, as SessionHandlers.product numbered it. */
  product: Int32Array
  position: Int32Array
  sponsored: Uint8Array
  clicked: Uint8Array
  /** The CPC of a sponsored click, else 0. */
  cpc: Float64Array
  /** The relevance judgement (0 without the column) and the logging propensity (1 without the column). */
  relevance: Float64Array
  propensity: Float64Array
  /** The row bought from, or -1, and the retail price paid. */
  purchasedSlot: number
  price: number
  /** The category of its first shown product, as SessionHandlers.category numbered it; -1 unknown. */
  category: number
}

/** An empty logged session with room for `capacity` rows. */
export function emptyLoggedSession(capacity = 64): LoggedSession {
  return {
    round: -1,
    id: '',
    count: 0,
    product: new Int32Array(capacity),
    position: new Int32Array(capacity),
    sponsored: new Uint8Array(capacity),
    clicked: new Uint8Array(capacity),
    cpc: new Float64Array(capacity),
    relevance: new Float64Array(capacity),
    propensity: new Float64Array(capacity),
    purchasedSlot: -1,
    price: 0,
    category: -1,
  }
}

/** Room for at least `rows` rows in s, the rows it holds kept. */
export function reserveRows(s: LoggedSession, rows: number): void {
  if (rows <= s.position.length) return
  const size = Math.max(rows, 2 * s.position.length)
  const grown = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(size)
    b.set(a)
    return b
  }
  s.product = grown(s.product)
  s.position = grown(s.position)
  s.sponsored = grown(s.sponsored)
  s.clicked = grown(s.clicked)
  s.cpc = grown(s.cpc)
  s.relevance = grown(s.relevance)
  s.propensity = grown(s.propensity)
}

/** What the pass saw of the log as a whole. */
export interface LogShape {
  rows: number
  sessions: number
  rounds: number[]
  maxPosition: number
  hasRelevance: boolean
  hasCategory: boolean
  hasPropensity: boolean
}

export interface SessionHandlers {
  /** Each impression row's product as a number (`fail` names the row when its product is not consistent). */
  product(r: ImpressionRow, fail: (column: string, value: unknown, message: string) => InputError): number
  /** A category's number (-1: none given). */
  category(name: string | undefined): number
  /** Each session, once its last row is read. */
  session?(s: LoggedSession): void
}

/**
 * Reads an impression log's rows in one streaming pass, checks each row and how rows make sessions
 * (rounds in order, a session's rows consecutive, positions and products once per session, at most one
 * purchase), and hands on rows and whole sessions. The first problem stops the pass with one line
 * naming file, line and column.
 */
export class LogSessions implements RowVisitor {
  private col: Record<string, number> = {}
  private columns = { relevance: false, category: false, propensity: false }
  private rowCount = 0
  private sessionCount = 0
  private readonly rounds: number[] = []
  private maxPosition = 0
  private round = -1
  private readonly current = emptyLoggedSession()
  private open = false
  private empty = false
  /** positionSession[r] = the session number that last showed position r: duplicates without a Set per session. */
  private positionSession = new Int32Array(64).fill(-1)
  private productSession = new Int32Array(1024).fill(-1)
  /** The current round's last RECENT_SESSIONS session ids, as a set and a ring in arrival order. */
  private readonly recent = new Set<string>()
  private readonly recentRing: (string | undefined)[] = new Array(RECENT_SESSIONS)
  private recentAt = 0

  /**
   * @param where names the row being read (file and line, or row group and row)
   * @param categoryGiven --products gives every product's category, so the log's column may be blank
   */
  constructor(
    private readonly where: () => string,
    private readonly handlers: SessionHandlers,
    private readonly categoryGiven = false,
  ) {}

  header(columns: readonly string[]): void {
    const missing = REQUIRED_LOG_COLUMNS.filter((c) => !columns.includes(c))
    if (missing.length)
      throw new InputError(
        `${this.where()}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
          `(columns found: ${columns.join(', ')})`,
      )
    for (const c of Object.keys(ImpressionRowSchema.shape)) this.col[c] = columns.indexOf(c)
    this.columns = {
      relevance: columns.includes('relevance'),
      category: columns.includes('category'),
      propensity: columns.includes('propensity'),
    }
  }

  row(cells: readonly unknown[]): void {
    const c = this.col
    // An object literal of fixed shape: V8 keeps it fast, where one built key by key is a dictionary.
    const raw: Record<string, unknown> = {
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
      propensity: cells[c.propensity],
    }
    const parsed = ImpressionRowSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const column = String(issue.path[0] ?? '')
      throw this.fail(column, raw[column], issue.message)
    }
    this.rowCount++
    this.add(parsed.data)
  }

  /** The shape of the log, once every row has been read. */
  finish(): LogShape {
    if (!this.open) throw new InputError(`${this.where()}: the log has a header but no rows`)
    this.endSession()
    return {
      rows: this.rowCount,
      sessions: this.sessionCount,
      rounds: this.rounds,
      maxPosition: this.maxPosition,
      hasRelevance: this.columns.relevance,
      hasCategory: this.columns.category,
      hasPropensity: this.columns.propensity,
    }
  }

  private fail = (column: string, value: unknown, message: string): InputError => {
    const shown = value === undefined || value === '' ? '' : ` (value "${String(value)}")`
    return new InputError(`${this.where()}, column ${column}${shown}: ${message}`)
  }

  /** A session is a run of consecutive rows with one round and session_id (ids may be reused in another round). */
  private add(r: ImpressionRow): void {
    const s = this.current
    if (!this.open || r.session_id !== s.id || r.round !== this.round) {
      if (this.open) this.endSession()
      if (r.round !== this.round) {
        if (r.round < this.round)
          throw this.fail('round', r.round, `rows must be in round order, but round ${this.round} came before`)
        this.startRound(r.round)
      }
      if (this.recent.has(r.session_id))
        throw this.fail(
          'session_id',
          r.session_id,
          'this session had rows earlier in the round, before other sessions: the rows of one session must be ' +
            'consecutive (sort by round, session_id)',
        )
      this.startSession(r)
    }
    if (r.position === undefined) {
      if (s.count > 0 || this.empty) throw this.fail('position', undefined, ONE_EMPTY_ROW)
      this.empty = true
      return
    }
    if (this.empty) throw this.fail('position', r.position, ONE_EMPTY_ROW)
    this.checkImpression(r)
    const product = this.handlers.product(r, this.fail)
    this.checkOnce(r, product)
    reserveRows(s, s.count + 1)
    const i = s.count++
    s.product[i] = product
    s.position[i] = r.position
    s.sponsored[i] = r.sponsored
    s.clicked[i] = r.clicked
    s.cpc[i] = r.sponsored && r.clicked ? r.cpc! : 0
    s.relevance[i] = r.relevance ?? 0
    s.propensity[i] = r.propensity ?? 1
    if (i === 0) s.category = this.handlers.category(r.category)
    if (r.purchased) {
      s.purchasedSlot = i
      s.price = r.price!
    }
  }

  /** The checks between an impression row and the rest of its session and the log's columns. */
  private checkImpression(r: ImpressionRow): void {
    const position = r.position!
    if (position >= this.positionSession.length) {
      const grown = new Int32Array(Math.max(position + 1, 2 * this.positionSession.length)).fill(-1)
      grown.set(this.positionSession)
      this.positionSession = grown
    }
    if (this.positionSession[position] === this.sessionCount)
      throw this.fail('position', position, `position ${position} appears twice in session "${r.session_id}"`)
    this.positionSession[position] = this.sessionCount
    this.maxPosition = Math.max(this.maxPosition, position)
    if (r.purchased && this.current.purchasedSlot >= 0)
      throw this.fail(
        'purchased',
        r.purchased,
        `session "${r.session_id}" has a second purchase: a session buys at most one item (log one session per ` +
          'visit, and one row per order)',
      )
    if (this.columns.relevance && r.relevance === undefined)
      throw this.fail(
        'relevance',
        undefined,
        'blank, but when the column is present every impression row needs a judgement',
      )
    if (this.columns.propensity && r.propensity === undefined)
      throw this.fail('propensity', undefined, 'blank, but when the column is present every impression row needs one')
    if (this.columns.category && r.category === undefined && !this.categoryGiven)
      throw this.fail(
        'category',
        undefined,
        'blank, but when the column is present (and --products gives no category) every impression row needs ' +
          "the product's category",
      )
  }

  /** A product once per session: productSession[p] = the session number that last showed product p. */
  private checkOnce(r: ImpressionRow, product: number): void {
    if (product >= this.productSession.length) {
      const grown = new Int32Array(Math.max(product + 1, 2 * this.productSession.length)).fill(-1)
      grown.set(this.productSession)
      this.productSession = grown
    }
    if (this.productSession[product] === this.sessionCount)
      throw this.fail(
        'product_id',
        r.product_id,
        `product "${r.product_id}" is shown twice in session "${r.session_id}": a slate shows a product once`,
      )
    this.productSession[product] = this.sessionCount
  }

  private startRound(round: number): void {
    this.round = round
    this.rounds.push(round)
    this.recent.clear()
    this.recentRing.fill(undefined)
  }

  private startSession(r: ImpressionRow): void {
    const s = this.current
    s.round = r.round
    s.id = r.session_id
    s.count = 0
    s.purchasedSlot = -1
    s.price = 0
    s.category = -1
    this.empty = false
    this.open = true
  }

  private endSession(): void {
    const s = this.current
    this.handlers.session?.(s)
    this.sessionCount++
    const dropped = this.recentRing[this.recentAt]
    if (dropped !== undefined) this.recent.delete(dropped)
    this.recentRing[this.recentAt] = s.id
    this.recentAt = (this.recentAt + 1) % RECENT_SESSIONS
    this.recent.add(s.id)
  }
}
