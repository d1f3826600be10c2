import type { InputError } from '../../core/errors.ts'
import { naturalKey } from '../../core/names.ts'
import type { SourceTables } from '../market/stream.ts'
import type { ProductInfo, SellerInfo } from './inputs.ts'

/**
 * Who is who in a log: the sellers, products and categories its rows (and --sellers, --products)
 * name, gathered in a first pass so that the second can feed the metrics' stream with fixed tables, as
 * a simulation's catalog does. Catalog order, which breaks ties (rank_persistence's top lists), is the
 * --products (--sellers) order, else natural id order (p2 before p10, the order of a generated
 * catalog's ids); categories are in the order they first appear.
 */
export interface LogTables extends SourceTables {
  productIndex: Map<string, number>
  /** Every shown product has a category (from the log or --products). */
  categoryKnown: boolean
}

interface ProductEntry {
  seller: string
  /** The category's name, or undefined while unknown. */
  category: string | undefined
  /** Its position in --products, or -1 (a product of the log only). */
  given: number
}

export class LogTablesBuilder {
  private readonly products = new Map<string, ProductEntry>()
  private readonly sellers = new Map<string, number>()
  private readonly categoryOrder = new Map<string, number>()
  private shownWithoutCategory = false

  constructor(
    private readonly sellerInfo: SellerInfo | null,
    private readonly productInfo: ProductInfo | null,
  ) {
    for (const [s, id] of (sellerInfo?.id ?? []).entries()) this.sellers.set(id, s)
    if (productInfo)
      for (let i = 0; i < productInfo.id.length; i++) {
        const category = productInfo.category?.[i]
        if (category !== undefined) this.categoryOf(category)
        this.products.set(productInfo.id[i], { seller: productInfo.seller[i], category, given: i })
      }
  }

  private categoryOf(name: string): void {
    if (!this.categoryOrder.has(name)) this.categoryOrder.set(name, this.categoryOrder.size)
  }

  /**
   * An impression row's product: its seller and category must agree with earlier rows and the side
   * files. `fail(column, value, message)` builds the error that names the row.
   */
  add(
    productId: string,
    sellerId: string,
    category: string | undefined,
    fail: (column: string, value: string, message: string) => InputError,
  ): void {
    let entry = this.products.get(productId)
    if (!entry) {
      if (this.productInfo)
        throw fail('product_id', productId, `product "${productId}" is not in ${this.productInfo.file}`)
      if (this.sellerInfo && !this.sellers.has(sellerId))
        throw fail('seller_id', sellerId, `seller "${sellerId}" is not in ${this.sellerInfo.file}`)
      entry = { seller: sellerId, category: undefined, given: -1 }
      this.products.set(productId, entry)
      if (!this.sellers.has(sellerId)) this.sellers.set(sellerId, -1)
    }
    const source = entry.given >= 0 ? this.productInfo!.file : 'an earlier row'
    if (entry.seller !== sellerId)
      throw fail('seller_id', sellerId, `product "${productId}" belongs to seller "${entry.seller}" (${source})`)
    if (category === undefined) {
      if (entry.category === undefined) this.shownWithoutCategory = true
      return
    }
    if (entry.category === undefined) {
      this.categoryOf(category)
      entry.category = category
    } else if (entry.category !== category)
      throw fail('category', category, `product "${productId}" is in category "${entry.category}" (${source})`)
  }

  /** The tables in catalog order. */
  finish(): LogTables {
    const sellerIds = this.sellerInfo ? this.sellerInfo.id : byNaturalKey([...this.sellers.keys()])
    const sellerIndex = new Map(sellerIds.map((id, s) => [id, s]))
    const productIds = this.productInfo ? this.productInfo.id : byNaturalKey([...this.products.keys()])
    const productIndex = new Map(productIds.map((id, p) => [id, p]))
    const categoryNames = [...this.categoryOrder.keys()]
    const seller = new Int32Array(productIds.length)
    const category = new Int32Array(productIds.length)
    productIds.forEach((id, p) => {
      const entry = this.products.get(id)!
      seller[p] = sellerIndex.get(entry.seller)!
      category[p] = entry.category === undefined ? -1 : this.categoryOrder.get(entry.category)!
    })
    // CSR index of products by category, in catalog order.
    const start = new Int32Array(categoryNames.length + 1)
    for (const c of category) if (c >= 0) start[c + 1]++
    for (let c = 0; c < categoryNames.length; c++) start[c + 1] += start[c]
    const fill = start.slice(0, categoryNames.length)
    const members = new Int32Array(start[categoryNames.length])
    category.forEach((c, p) => {
      if (c >= 0) members[fill[c]++] = p
    })
    return {
      sellers: { count: sellerIds.length, id: sellerIds },
      products: { count: productIds.length, id: productIds, seller, category },
      categories: { count: categoryNames.length, name: categoryNames, start, products: members },
      productIndex,
      categoryKnown: !this.shownWithoutCategory,
    }
  }
}

function byNaturalKey(ids: string[]): string[] {
  const keys = new Map(ids.map((id) => [id, naturalKey(id)]))
  return ids.sort((a, b) => {
    const ka = keys.get(a)!
    const kb = keys.get(b)!
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
}
