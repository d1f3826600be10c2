/** What the engine and a sealed plugin's process say to each other (frames.ts carries them). */

type Columns = Record<string, ArrayLike<number> | string[] | number>

/** The observable market as the process keeps it: each entity's observable columns and count, ids as text. */
export interface Mirror {
  groupCount: number
  products: Columns & { reviews: Int32Array; ratingSum: Float32Array }
  sellers: Columns & { budgetLeft: Float64Array }
  categories: Columns
}

/** A plain session: the fields of the contract's Session, its arrays cut to its candidates. */
export interface PlainSession {
  round: number
  kind: 'search' | 'feed'
  buyer: number
  category: number
  k: number
  n: number
  candidates: Int32Array
  relevance: Float64Array
}

/** Calls with no answer of their own, sent ahead of the next request. */
export type QueuedCall =
  | { type: 'refresh'; columns: Record<string, Record<string, ArrayLike<number>>> }
  | {
      type: 'session'
      /** What the session changed in the observable market: the budgets its ad clicks spent, the review it left. */
      sync: { budgetLeft: [number, number][]; reviews?: [number, number]; ratingSum?: [number, number] }
      outcome: Record<string, unknown>
    }

export type HostRequest = { queued?: QueuedCall[] } & (
  | { type: 'load'; bundle: string; params: Record<string, unknown> }
  | { type: 'describe'; bundle: string }
  | { type: 'parse'; given: Record<string, unknown> }
  | { type: 'validate'; params: Record<string, unknown>; k: number }
  | { type: 'paramFiles'; params: Record<string, unknown> }
  | { type: 'platform'; params: Record<string, unknown> }
  | { type: 'rule'; rule: 'referralRate' | 'fulfilmentFee' | 'deliveryDays'; args: unknown[] }
  | {
      type: 'create'
      mirror: Mirror
      quality?: Float64Array
      maxCandidates: number
      seed: number
      k: number
      file: string
      round: Record<string, Int32Array | Float64Array>
    }
  | { type: 'rank'; session: PlainSession; truthRelevance?: Float64Array }
  | { type: 'rankBatch'; round: number; sessions: PlainSession[] }
  | { type: 'roundClosed'; round: number; columns: Record<string, Int32Array | Float64Array> }
  | { type: 'close' }
)

export interface Slate {
  count: number
  products: Int32Array
  cpc: Float64Array
}

/** Every reply is one of these, or `{ error }` when the request failed in the process (a plugin's error, named). */
export type HostReply = Record<string, unknown> & { error?: string }
