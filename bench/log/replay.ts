import { Book } from '../market/book.ts'
import {
  type AnySource,
  type CollectorDef,
  CollectorSet,
  type Measured,
  type Need,
  type SessionOutcome,
} from '../market/stream.ts'
import type { SummaryMetric } from '../metrics/definitions.ts'
import { type RowKeys, resultRows } from '../metrics/summarize.ts'
import type { SellerInfo } from './inputs.ts'
import type { LoggedSession, LogShape } from './sessions.ts'
import type { LogTables } from './tables.ts'

/** How a log provides each facet, or null when it never can (bench/market/stream.ts NEEDS). */
export const LOG_FACETS: Readonly<Record<Need, string | null>> = {
  truth: null,
  relevance: "the log's relevance column",
  costs: null,
  catalog: null,
  delivery: null,
  category: "every shown product's category: the log's category column or --products",
  joinRound: 'join_round in --sellers',
  sizeTier: 'size_tier in --sellers',
  archetype: 'archetype in --sellers',
  activity: null,
  activeAtEnd: 'active_at_end in --sellers',
}

/**
 * What a log offers the metrics: its tables, the exposure weights by position, every product listed
 * throughout, and the facets its columns and side files carry (relevance judgements, categories,
 * --sellers attributes). Costs, delivery, the truth and the catalog through time it never has.
 */
export function logSource(tables: LogTables, shape: LogShape, weights: Float64Array, sellers: SellerInfo | null) {
  const source: AnySource = {
    tables,
    weights,
    maxCandidates: Math.max(1, shape.maxPosition),
    listed: new Uint8Array(tables.products.count).fill(1),
  }
  if (shape.hasRelevance) source.relevance = { quality: new Float32Array(tables.products.count).fill(1) }
  if (tables.categoryKnown && tables.categories.count > 0) source.category = true
  if (sellers?.joinRound) source.joinRound = sellers.joinRound
  if (sellers?.sizeTier) source.sizeTier = sellers.sizeTier
  if (sellers?.archetype) source.archetype = sellers.archetype
  if (sellers?.activeAtEnd) source.activeAtEnd = sellers.activeAtEnd
  return source
}

/**
 * Plays a log's sessions into the stream every source feeds: each logged session is recorded by the
 * shared Book and handed to the collectors as it happened; a round closes when the next round's first
 * session arrives, and at the end. The log's revenue is the retail price it records (no declared
 * price), its candidates the products it shows.
 */
export class LogReplay {
  private readonly book: Book
  private readonly collectors: CollectorSet
  private readonly outcome: SessionOutcome
  private round = -1
  private sessions = 0

  /**
   * @param remap a product's catalog index from the number the log was read under (LogTables.remap)
   */
  constructor(
    private readonly source: AnySource,
    private readonly remap: Int32Array,
    collectors: readonly CollectorDef[],
  ) {
    const { tables, maxCandidates } = source
    this.book = new Book(tables.products.seller, tables.sellers.count, source.weights)
    this.collectors = new CollectorSet(collectors, source)
    const products = new Int32Array(maxCandidates)
    const relevance = new Float64Array(maxCandidates)
    this.outcome = {
      round: 0,
      session: 0,
      kind: 'search',
      buyer: -1,
      category: -1,
      n: 0,
      candidates: products,
      relevance,
      count: 0,
      products,
      position: new Int32Array(maxCandidates),
      sponsored: new Uint8Array(maxCandidates),
      cpc: new Float64Array(maxCandidates),
      slotRelevance: relevance,
      clicked: new Uint8Array(maxCandidates),
      purchasedSlot: -1,
      retailPrice: 0,
      declaredPrice: 0,
      deliveryDays: Number.NaN,
    }
    this.collectors.start()
  }

  session(s: LoggedSession): void {
    if (s.round !== this.round) {
      if (this.round >= 0) this.closeRound()
      this.round = s.round
      this.book.startRound(s.round)
    }
    const o = this.outcome
    o.round = s.round
    o.session = this.sessions++
    o.category = s.category
    o.n = s.count
    o.count = s.count
    for (let i = 0; i < s.count; i++) {
      o.products[i] = this.remap[s.product[i]]
      o.position[i] = s.position[i]
      o.sponsored[i] = s.sponsored[i]
      o.cpc[i] = s.cpc[i]
      o.clicked[i] = s.clicked[i]
      o.relevance[i] = s.relevance[i]
    }
    o.purchasedSlot = s.purchasedSlot
    o.retailPrice = s.purchasedSlot >= 0 ? s.price : 0
    o.declaredPrice = o.retailPrice
    this.book.record(o)
    this.collectors.session(o)
  }

  /** What the metrics read, once every session has been played. */
  finish(): Measured {
    if (this.round >= 0) this.closeRound()
    return { totals: this.book.runTotals, source: this.source, collected: this.collectors.result() }
  }

  private closeRound(): void {
    this.book.closeRound()
    this.collectors.roundEnd(this.book.view)
    this.collectors.roundClosed(this.book.view)
  }
}

/**
 * A log's sessions measured whole (one row, `seed` = wholeSeed: 0 for a log, which is one observed
 * history, not a seeded draw) or, with blocks 'round', each round on its own (one row per round, `seed`
 * the round): what `compare` needs for replicates. `start` makes each block's replay.
 */
export class BlockReplays {
  private readonly blocks: { keys: RowKeys; replay: LogReplay }[] = []

  constructor(
    private readonly keysOf: (seed: number) => RowKeys,
    private readonly blocksBy: 'round' | undefined,
    private readonly start: () => LogReplay,
    private readonly wholeSeed = 0,
  ) {}

  /** The replay the session of this round goes to. */
  at(round: number): LogReplay {
    const seed = this.blocksBy === 'round' ? round : this.wholeSeed
    if (this.blocks.at(-1)?.keys.seed !== seed) this.blocks.push({ keys: this.keysOf(seed), replay: this.start() })
    return this.blocks.at(-1)!.replay
  }

  /** Every block's rows, in order, once every session has been played; and the ranked sessions over all. */
  rows(metrics?: readonly SummaryMetric[]) {
    if (!this.blocks.length) this.at(this.wholeSeed)
    const measured = this.blocks.map((b) => ({ keys: b.keys, measured: b.replay.finish() }))
    const perBlock = measured.map((b) => resultRows(b.keys, b.measured, metrics))
    return {
      summary: perBlock.map((r) => r.summary),
      rounds: perBlock.flatMap((r) => r.rounds),
      sellers: perBlock.flatMap((r) => r.sellers),
      empty: perBlock[0].empty,
      rankedSessions: measured.reduce((n, b) => n + b.measured.totals.rankedSessions, 0),
    }
  }
}
