import type { PlatformRules } from '../../../algorithms/kit/contract.ts'
import type { Catalog } from '../../../core/catalog.ts'
import type { Rng } from '../../../core/rng.ts'
import type { Ledger } from '../ledger.ts'
import type { MarketParams } from '../params.ts'

/** What a seller behaviour may read and change. */
export interface SellerContext {
  market: Catalog
  params: MarketParams
  rules: PlatformRules
  ledger: Ledger
  /** Per seller, this round: margin − ad spend − overhead while active (written by the life-cycle force). */
  profit: Float64Array
  /** The sellers' own seeded stream (the same draws for every plugin's run of a seed). */
  rng: Rng
  /** Call after changing which sellers are active: products.listed and retrieval follow. */
  syncListings(): void
}

/**
 * One behaviour of the sellers between rounds (d3-force's shape: the round loop calls each
 * registered force by name, in order, at fixed points).
 */
export interface SellerForce {
  readonly name: string
  /** Before round 0, before the plugin first sees the market. */
  init?(): void
  /** At the start of each round, before any session. */
  startRound?(round: number): void
  /** After the round's sessions and the ledger's close. */
  endRound?(round: number): void
}

export type SellerForceFactory = (context: SellerContext) => SellerForce
