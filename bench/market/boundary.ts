import type { PlatformRules, PluginContext, Ranker, Session } from '../../algorithms/kit/contract.ts'
import type { Slots } from '../../algorithms/kit/slots.ts'
import type { Catalog } from '../../core/catalog.ts'
import type { SessionOutcome } from './stream.ts'

/** The per-product and per-seller columns of a round the plugin's observe hook receives. */
export const ROUND_COLUMNS = ['impressions', 'clicks', 'orders', 'exposure', 'sellerAdSpend'] as const
export type RoundColumns = Record<(typeof ROUND_COLUMNS)[number], Int32Array | Float64Array>

/**
 * What the engine calls on its side of the plugin boundary: PluginHarness for a plugin in the engine's
 * thread, or a sealed plugin's client (bench run --sealed) for one in a process of its own.
 */
export interface PluginBoundary {
  readonly ranker: Ranker
  readonly batch: boolean
  rank(session: Session, slots: Slots): Promise<void> | undefined
  rankBatch(round: number, sessions: Session[], slots: Slots[]): Promise<void>
  session(o: SessionOutcome): Promise<void> | undefined
  roundClosed(round: number, columns: Pick<RoundColumns, (typeof ROUND_COLUMNS)[number]>): Promise<void>
  refresh(): void
  close(): Promise<void>
}

/** What a sealed plugin's boundary is opened with: the same as PluginHarness's constructor gets. */
export interface BoundaryInputs {
  params: Record<string, unknown>
  market: Catalog
  seed: number
  k: number
  truth: PluginContext<unknown>['truth']
  round: Pick<RoundColumns, (typeof ROUND_COLUMNS)[number]>
}

/**
 * A plugin that runs outside the engine's thread: its platform rules (answered from its process) are needed first,
 * its boundary once the market is ready.
 */
export interface SealedPlugin {
  rules: Partial<PlatformRules> | undefined
  /** The shared buffer the engine talks to it through: counted in ArrayBuffers, but not the cell's own memory. */
  channelBytes: number
  open(inputs: BoundaryInputs): PluginBoundary
}
