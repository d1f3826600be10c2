import type { SellerTotals as RunSellerTotals } from '../metrics/collectors/sellers.ts'

/**
 * A key whose text order is natural order: each run of digits becomes its length (as one character)
 * followed by the digits without leading zeros, so p2 < p10 < q1.
 */
export function naturalKey(id: string): string {
  return id.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, '')
    return String.fromCharCode(0x30 + digits.length) + digits
  })
}

/** What a round and the whole log count. */
export interface Counts {
  impressions: number
  sponsoredImpressions: number
  sponsoredClicks: number
  adRevenue: number
  orders: number
  gmv: number
}
export const COUNTS = ['impressions', 'sponsoredImpressions', 'sponsoredClicks', 'adRevenue', 'orders', 'gmv'] as const

export interface RoundTotals extends Counts {
  round: number
  /** The sellers exposed in the round and their exposure; every other seller had none. */
  exposedSellers: Int32Array
  sellerExposure: Float64Array
  /** Seller revenue by archetype (factory, trader, brand); null when --sellers gives no archetype. */
  revenueByArchetype: Float64Array | null
  /** Per category index, its TOP_PER_CATEGORY product indices by exposure, best first. */
  topProducts: Map<number, Int32Array>
}

/**
 * The log's seller totals: the simulation's columns a log defines, plus ids. Here revenue is Σ retail price (the log's
 * price), not declared price.
 */
export type SellerTotals = Omit<RunSellerTotals, 'fees' | 'profit'> & { id: string[] }

export interface LogTotals extends Counts {
  rows: number
  sessions: number
  /** Sessions with at least one impression. */
  shownSessions: number
  /** Σ over shown sessions of DCG@10 / IDCG@10 (0 when the log has no relevance). */
  ndcgSum: number
  rounds: RoundTotals[]
  sellers: SellerTotals
  products: number
  categories: number
  /** Every shown product has a category (from the log or --products). */
  hasCategory: boolean
  hasRelevance: boolean
}
