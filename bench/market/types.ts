import type { Ranker, SessionKind } from '../../algorithms/kit/contract.ts'
import type { Catalog } from '../../core/catalog.ts'
import type { AnySource, Collected, RoundTotals } from './stream.ts'

export interface RunOutcome {
  totals: RoundTotals
  collected: Collected
  /** What the run offers the metrics (every facet: bench/market/stream.ts). */
  source: AnySource
  /** Wall time of the timed simulation (after the warm-up; not deterministic). */
  elapsedMs: number
  /** Sessions in elapsedMs: all of the run's but the warm-up's. */
  timedSessions: number
  /** Peak of V8 heap + array buffers sampled at round ends, in bytes (not deterministic). */
  peakMemoryBytes: number
  /** Sessions of the last round kept for the rank() throughput benchmark. */
  captured: CapturedSession[]
  ranker: Ranker
  market: Catalog
}

export interface CapturedSession {
  kind: SessionKind
  buyer: number
  category: number
  round: number
  candidates: Int32Array
  relevance: Float64Array
}

/** The plugin hook that was running. */
export type PluginHook = 'create' | 'rank' | 'observe' | 'onSession' | 'globals'

/**
 * A plugin failed: it threw, broke the contract or patched a global. The fields say which plugin,
 * where (seed; round, null before round 0; hook) and the plugin file's line from the stack
 * (file:line:column; the file alone when the stack has no frame of it), so a results writer can
 * put them in a table; the message says them in words.
 */
export class PluginError extends Error {
  override name = 'PluginError'
  constructor(
    readonly plugin: string,
    readonly seed: number,
    readonly round: number | null,
    readonly hook: PluginHook,
    readonly location: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const at = round === null ? 'before round 0' : `round ${round}`
    super(`plugin "${plugin}", seed ${seed}, ${at}, ${hook}()${location ? ` at ${location}` : ''}: ${problem}`, options)
  }
}

/** A plugin broke the contract (bad slots); same fields as PluginError. */
export class PluginOutputError extends PluginError {
  override name = 'PluginOutputError'
}
