import type { InputError } from '../../core/errors.ts'
import { naturalKey } from '../../core/names.ts'
import type { SourceTables } from '../market/stream.ts'
import type { ProductInfo, SellerInfo } from './inputs.ts'

/**
 * Who is who in a log: the sellers, products and categories its rows (and --sellers, --products)
 * name, gathered as the log is read, then put in catalog order: the --products (--sellers) order, else
 * natural id order (p2 before p10, the order of a generated catalog's ids), which breaks ties
 * (rank_persistence's top lists); categories in the order they first appear.
 */
export interface LogTables extends SourceTables {
  /** A product's catalog index from the number it was read under (LogTablesBuilder.add). */
  remap: Int32Array
  /** Every shown product has a category (from the log or --products). */
  categoryKnown: boolean
}

interface ProductEntry {
  /** Its number, in the order products were first met (--products first). */
  read: number
  seller: string
  /** The category's name, or undefined while unknown. */
  category: string | undefined
  /** Read from --products (its seller and category are the file's). */
  given: boolean
}

export class LogTablesBuilder {
  private readonly products = new Map<string, ProductEntry>()
  private readonly order: string[] = []
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
        if (category !== undefined) this.category(category)
        this.entry(productInfo.id[i], productInfo.seller[i], category, true)
      }
  }

  private entry(id: string, seller: string, category: string | undefined, given: boolean): ProductEntry {
    const entry = { read: this.order.length, seller, category, given }
    this.products.set(id, entry)
    this.order.push(id)
    return entry
  }

  /** A category's number, in order of first appearance (-1 for none). */
  category(name: string | undefined): number {
    if (name === undefined) return -1
    const known = this.categoryOrder.get(name)
    if (known !== undefined) return known
    this.categoryOrder.set(name, this.categoryOrder.size)
    return this.categoryOrder.size - 1
  }

  /**
   * An impression row's product, by the number it is read under: its seller and category must agree
   * with earlier rows and the side files. `fail(column, value, message)` builds the error that names the row.
   */
  add(
    productId: string,
    sellerId: string,
    category: string | undefined,
    fail: (column: string, value: string, message: string) => InputError,
  ): number {
    let entry = this.products.get(productId)
    if (!entry) {
      if (this.productInfo)
        throw fail('product_id', productId, `product "${productId}" is not in ${this.productInfo.file}`)
      if (this.sellerInfo && !this.sellers.has(sellerId))
        throw fail('seller_id', sellerId, `seller "${sellerId}" is not in ${this.sellerInfo.file}`)
      entry = this.entry(productId, sellerId, undefined, false)
      if (!this.sellers.has(sellerId)) this.sellers.set(sellerId, -1)
    }
    const source = entry.given ? this.productInfo!.file : 'an earlier row'
    if (entry.seller !== sellerId)
      throw fail('seller_id', sellerId, `product "${productId}" belongs to seller "${entry.seller}" (${source})`)
    if (category === undefined) {
      if (entry.category === undefined) this.shownWithoutCategory = true
    } else if (entry.category === undefined) {
      this.category(category)
      entry.category = category
    } else if (entry.category !== category)
      throw fail('category', category, `product "${productId}" is in category "${entry.category}" (${source})`)
    return entry.read
  }

  /** The tables in catalog order. */
  finish(): LogTables {
    const sellerIds = this.sellerInfo ? this.sellerInfo.id : byNaturalKey([...this.sellers.keys()])
    const sellerIndex = new Map(sellerIds.map((id, s) => [id, s]))
    const productIds = this.productInfo ? this.productInfo.id : byNaturalKey([...this.order])
    const categoryNames = [...this.categoryOrder.keys()]
    const seller = new Int32Array(productIds.length)
    const category = new Int32Array(productIds.length)
    const remap = new Int32Array(productIds.length)
    productIds.forEach((id, p) => {
      const entry = this.products.get(id)!
      remap[entry.read] = p
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
      remap,
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
