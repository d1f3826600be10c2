import { OBSERVABLE_COLUMNS, type MarketView } from '../../algorithms/kit/contract.ts'
import type { Catalog } from '../../datasets/catalog.ts'

type Entity = keyof typeof OBSERVABLE_COLUMNS
type Column = ArrayLike<number> & { set(from: ArrayLike<number>): void; slice(): Column }
const ENTITIES = Object.keys(OBSERVABLE_COLUMNS) as Entity[]

/** A shallow copy with the same prototype: an id list (string[] or PrefixedIds) the plugin may scribble on. */
function copyIds<T extends object>(ids: T): T {
  return Array.isArray(ids) ? (ids.slice() as T) : Object.assign(Object.create(Object.getPrototypeOf(ids)), ids)
}

/**
 * A plugin's view of the market: its own copies of the observable columns (OBSERVABLE_COLUMNS),
 * never the engine's arrays, so whatever it writes changes only what it sees itself. The engine
 * refreshes the copies whenever the market changes between its calls: after the sellers act at a
 * round's start and after the round's books close (`refresh`), and, within a round, the few entries
 * a session changed (`syncSession`: the budgets its ad clicks spent, the review its order left).
 */
export class PluginMarketView {
  readonly view: MarketView
  private readonly pairs: [from: Column, to: Column][] = []
  private readonly budgetLeft: Float64Array
  private readonly reviews: Int32Array
  private readonly ratingSum: Float32Array

  constructor(private readonly m: Catalog) {
    const view: Record<string, unknown> = { groupCount: m.groupCount }
    for (const entity of ENTITIES) {
      const source = m[entity] as unknown as Record<string, unknown>
      const copy: Record<string, unknown> = { count: source.count }
      for (const key of OBSERVABLE_COLUMNS[entity] as readonly string[]) {
        const column = source[key]
        if (ArrayBuffer.isView(column)) {
          copy[key] = (column as unknown as Column).slice()
          this.pairs.push([column as unknown as Column, copy[key] as Column])
        } else copy[key] = copyIds(column as object)
      }
      view[entity] = copy
    }
    this.view = view as unknown as MarketView
    const own = (entity: Entity, key: string) => (view[entity] as Record<string, unknown>)[key]
    this.budgetLeft = own('sellers', 'budgetLeft') as Float64Array
    this.reviews = own('products', 'reviews') as Int32Array
    this.ratingSum = own('products', 'ratingSum') as Float32Array
  }

  /** Every observable column copied again from the engine's market. */
  refresh(): void {
    for (const [from, to] of this.pairs) to.set(from)
  }

  /** The entries a session changed: the sellers of clicked sponsored slots, the product bought. */
  syncSession(products: Int32Array, cpc: Float64Array, clicked: Uint8Array, count: number, purchasedSlot: number): void {
    const { products: engineProducts, sellers } = this.m
    for (let r = 0; r < count; r++) {
      if (!clicked[r] || cpc[r] <= 0) continue
      const seller = engineProducts.seller[products[r]]
      this.budgetLeft[seller] = sellers.budgetLeft[seller]
    }
    if (purchasedSlot < 0) return
    const p = products[purchasedSlot]
    this.reviews[p] = engineProducts.reviews[p]
    this.ratingSum[p] = engineProducts.ratingSum[p]
  }
}
