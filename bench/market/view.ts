import { type MarketView, OBSERVABLE_COLUMNS } from '../../algorithms/kit/contract.ts'
import type { Catalog } from '../../core/catalog.ts'

type Entity = keyof typeof OBSERVABLE_COLUMNS
type Column = ArrayLike<number> & { [index: number]: number; set(from: ArrayLike<number>): void; slice(): Column }
const ENTITIES = Object.keys(OBSERVABLE_COLUMNS) as Entity[]

/** A shallow copy with the same prototype: an id list (string[] or PrefixedIds) the plugin may scribble on. */
function copyIds<T extends object>(ids: T): T {
  return Array.isArray(ids) ? (ids.slice() as T) : Object.assign(Object.create(Object.getPrototypeOf(ids)), ids)
}

/** On each entity object of a view (not enumerable): what its column's first read copies. */
const FIRST_READ = Symbol('firstRead')
/**
 * The view object an accessor belongs to: the object itself, a proxy or copy of it, or the view an object inherits
 * from.
 */
function ownerOf(target: object): object & { [FIRST_READ]: (key: string) => unknown } {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o))
    if (Object.hasOwn(o, FIRST_READ)) return o as never
  throw new TypeError('a market view column was read through an object that is not the view')
}
const settle = (copy: object, key: string, value: unknown) =>
  Object.defineProperty(copy, key, { value, writable: true, enumerable: true, configurable: false })
/**
 * Each observable column starts as an accessor that, on first read (or write), settles into a plain
 * data property (an accessor would slow the plugin's hot loops). One accessor per column name,
 * shared by every view and entity: with accessors of their own, objects past a dozen columns get
 * shapes V8 keeps as slow dictionaries (every column read in a plugin's loop a hash lookup).
 */
const accessorOf = new Map<string, PropertyDescriptor>()
for (const key of Object.values(OBSERVABLE_COLUMNS).flat() as string[])
  accessorOf.set(key, {
    enumerable: true,
    configurable: true,
    get(this: object) {
      const owner = ownerOf(this)
      return settle(owner, key, owner[FIRST_READ](key))[key as never]
    },
    set(this: object, value: unknown) {
      settle(ownerOf(this), key, value)
    },
  })
const LAZY_COLUMNS = Object.fromEntries(
  ENTITIES.map((entity) => [
    entity,
    Object.fromEntries((OBSERVABLE_COLUMNS[entity] as readonly string[]).map((key) => [key, accessorOf.get(key)!])),
  ]),
) as Record<Entity, PropertyDescriptorMap>

/**
 * A plugin's view of the market: its own copies of the observable columns (OBSERVABLE_COLUMNS),
 * never the engine's arrays, so whatever it writes changes only what it sees itself.
 *
 * A column is copied the first time the plugin reads it (most plugins read a few), and from then on
 * kept equal to the engine's whenever the market changes between the plugin's calls: after the
 * sellers act at a round's start and after the round's books close (`refresh`), and, within a
 * round, the few entries a session changed (`syncSession`: the budgets its ad clicks spent, the
 * review its order left). Those are the only times observable columns change, so a column copied
 * late holds what an early copy would: the plugin sees the same market either way.
 */
export class PluginMarketView {
  readonly view: MarketView
  /** The columns the plugin has read, each with the engine's column it copies. */
  private readonly live: [from: Column, to: Column][] = []
  private budgetLeft: Column | null = null
  private reviews: Column | null = null
  private ratingSum: Column | null = null

  constructor(private readonly m: Catalog) {
    const view: Record<string, unknown> = { groupCount: m.groupCount }
    for (const entity of ENTITIES) {
      const source = m[entity] as unknown as Record<string, unknown>
      const copy: Record<string, unknown> = { count: source.count }
      const observable = new Set<string>(OBSERVABLE_COLUMNS[entity])
      // The hook is reachable through Object.getOwnPropertySymbols: it hands out observable columns only.
      Object.defineProperty(copy, FIRST_READ, {
        value: (key: string) => {
          if (!observable.has(key)) throw new TypeError(`${entity}.${key} is not an observable column`)
          return this.copyOf(entity, key, source[key] as object)
        },
      })
      view[entity] = Object.defineProperties(copy, LAZY_COLUMNS[entity])
    }
    this.view = view as unknown as MarketView
  }

  private copyOf(entity: Entity, key: string, column: object): unknown {
    if (!ArrayBuffer.isView(column)) return copyIds(column)
    const from = column as unknown as Column
    const to = from.slice()
    this.live.push([from, to])
    if (entity === 'sellers' && key === 'budgetLeft') this.budgetLeft = to
    if (entity === 'products' && key === 'reviews') this.reviews = to
    if (entity === 'products' && key === 'ratingSum') this.ratingSum = to
    return to
  }

  /** Every column the plugin has read, copied again from the engine's market. */
  refresh(): void {
    for (const [from, to] of this.live) to.set(from)
  }

  /** The entries a session changed: the sellers of clicked sponsored slots, the product bought. */
  syncSession(
    products: Int32Array,
    cpc: Float64Array,
    clicked: Uint8Array,
    count: number,
    purchasedSlot: number,
  ): void {
    const { products: engineProducts, sellers } = this.m
    const budgetLeft = this.budgetLeft
    if (budgetLeft)
      for (let r = 0; r < count; r++) {
        if (!clicked[r] || cpc[r] <= 0) continue
        const seller = engineProducts.seller[products[r]]
        budgetLeft[seller] = sellers.budgetLeft[seller]
      }
    if (purchasedSlot < 0) return
    const p = products[purchasedSlot]
    if (this.reviews) this.reviews[p] = engineProducts.reviews[p]
    if (this.ratingSum) this.ratingSum[p] = engineProducts.ratingSum[p]
  }
}
