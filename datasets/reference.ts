import { type Catalog, indexByKey } from '../core/catalog.ts'

/** An identical-product group anchors its offers' value once it has this many offers (two: a market price exists). */
export const GROUP_ANCHOR_MIN_OFFERS = 2
/** A category's price bands are this factor wide: a $5 cable and a $500 television never share a reference. */
export const PRICE_BAND_RATIO = 2

/** Median (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b)
  const n = sorted.length
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/**
 * Each product's reference price, the anchor of what buyers think it is worth (bench/METRICS.md §
 * buyer model): its category's reference price scaled by where the product's price class sits in
 * the category, ref = category refPrice × anchor / category median price, with anchor the median
 * starting price of its identical-product group when the group has at least GROUP_ANCHOR_MIN_OFFERS
 * offers (what that item sells for), otherwise the median starting price of its price band within
 * its category, band b = ⌊log_PRICE_BAND_RATIO(price / category median)⌋ (what items of its kind and
 * price class sell for). An imported category's refPrice is its median price, so there ref = anchor.
 * Fixed at the catalog's starting prices; fills products.refPrice.
 */
export function setReferencePrices({ products, categories, groupCount }: Catalog): void {
  const { price, group, category } = products
  const groups = indexByKey(groupCount, group)
  const bandOf = new Int32Array(products.count)
  const categoryMedian = new Float64Array(categories.count)
  for (let c = 0; c < categories.count; c++) {
    const members = Array.from(categories.products.subarray(categories.start[c], categories.start[c + 1]))
    if (members.length === 0) continue
    const middle = median(members.map((p) => price[p]))
    const bands = new Map<number, number[]>()
    for (const p of members) {
      bandOf[p] = Math.floor(Math.log(price[p] / middle) / Math.log(PRICE_BAND_RATIO))
      const band = bands.get(bandOf[p])
      if (band) band.push(price[p])
      else bands.set(bandOf[p], [price[p]])
    }
    const bandMedian = new Map([...bands].map(([b, prices]) => [b, median(prices)]))
    categoryMedian[c] = middle
    for (const p of members) products.refPrice[p] = bandMedian.get(bandOf[p])!
  }
  for (let g = 0; g < groupCount; g++) {
    const offers = Array.from(groups.items.subarray(groups.start[g], groups.start[g + 1]))
    if (offers.length < GROUP_ANCHOR_MIN_OFFERS) continue
    const groupMedian = median(offers.map((p) => price[p]))
    for (const p of offers) products.refPrice[p] = groupMedian
  }
  for (let p = 0; p < products.count; p++)
    products.refPrice[p] *= categories.refPrice[category[p]] / categoryMedian[category[p]]
}
