import { parse } from 'csv-parse/sync'
import type { Catalog } from '../../core/catalog.ts'
import { InputError } from '../../core/errors.ts'
import type { Rng } from '../../core/rng.ts'

/**
 * The calibrated buyer of log-driven sessions (bench rerank, --holdout validation), read from a
 * calibration's fit.csv: a shown product a at position k is clicked with probability
 * examination_k · attractiveness_a (the position-based model); a session whose clicked set is C
 * then buys with probability min(1, Σ_{a∈C} q_a), the item a ∈ C with probability q_a / Σ q, where
 * q_a is the product's conversion P(purchase | click) (fit.csv product_conversion, shrunk towards its
 * category's; the category's or the log's where the fit has none). Below the cap this keeps
 * E[orders] = Σ P(click a) · q_a, the fitted relation.
 */
export class CalibratedBuyer {
  /** By position (index k − 1); positions past the fitted ones take the last. */
  readonly examination: Float64Array
  /** By catalog product; a product the fit never saw takes the median of those it did (an assumption). */
  readonly attractiveness: Float64Array
  /** By catalog product. */
  readonly conversion: Float64Array
  private readonly p: Float64Array

  /** @param positions the deepest position a slate will have */
  constructor(fitCsv: string, file: string, catalog: Catalog, positions: number) {
    this.p = new Float64Array(positions)
    const rows: { quantity: string; key: string; value: string }[] = parse(fitCsv, { columns: true })
    const of = (q: string) => rows.filter((r) => r.quantity === q)
    const curve = of('examination').sort((a, b) => Number(a.key) - Number(b.key))
    if (!curve.length) throw new InputError(`${file}: no examination rows (is it a bench calibrate fit.csv?)`)
    this.examination = Float64Array.from({ length: positions }, (_, i) =>
      Number(curve[Math.min(i, curve.length - 1)].value),
    )
    const byId = (q: string) => new Map(of(q).map((r) => [r.key, Number(r.value)]))
    const attractiveness = byId('attractiveness')
    const known = [...attractiveness.values()].sort((a, b) => a - b)
    const median = known.length ? known[known.length >> 1] : 0
    // A log without clicks has no conversion to fit: its buyer then never buys.
    const overall = Number(of('conversion').find((r) => r.key === '')?.value ?? 0)
    const byCategory = byId('conversion')
    const byProduct = byId('product_conversion')
    const { products, categories } = catalog
    this.attractiveness = new Float64Array(products.count)
    this.conversion = new Float64Array(products.count)
    for (let p = 0; p < products.count; p++) {
      const id = products.id.at(p)!
      this.attractiveness[p] = Math.min(1, attractiveness.get(id) ?? median)
      const category = categories.name[products.category[p]]
      this.conversion[p] = byProduct.get(id) ?? byCategory.get(category) ?? overall
    }
  }

  /** The model's chance that product a shown at 1-based position k is clicked. */
  clickProbability(a: number, k: number): number {
    return this.examination[Math.min(this.examination.length - 1, k - 1)] * this.attractiveness[a]
  }

  /** Click probabilities of the slate's products at their 1-based positions, into `p`. */
  private clickProbabilities(products: ArrayLike<number>, position: ArrayLike<number>, count: number): Float64Array {
    for (let r = 0; r < count; r++) this.p[r] = this.clickProbability(products[r], position[r])
    return this.p
  }

  /**
   * What the model expects of a slate (the direct method): clicks Σ p_a, orders Σ p_a · q_a and the
   * retail value bought Σ p_a · q_a · price_a. The cap min(1, ·) is left out: an upper bound, equal
   * unless a session's clicked items' conversions add up past 1.
   */
  expected(products: ArrayLike<number>, position: ArrayLike<number>, count: number, price: ArrayLike<number>) {
    const p = this.clickProbabilities(products, position, count)
    let clicks = 0
    let order = 0
    let value = 0
    for (let r = 0; r < count; r++) {
      const a = products[r]
      clicks += p[r]
      order += p[r] * this.conversion[a]
      value += p[r] * this.conversion[a] * price[a]
    }
    return { clicks, order, value }
  }

  /** One draw of the buyer on a slate: clicked[r] set, the bought slot returned (-1: none). */
  visit(
    products: ArrayLike<number>,
    position: ArrayLike<number>,
    count: number,
    rng: Rng,
    clicked: Uint8Array,
  ): number {
    const p = this.clickProbabilities(products, position, count)
    let total = 0
    for (let r = 0; r < count; r++) {
      clicked[r] = rng() < p[r] ? 1 : 0
      if (clicked[r]) total += this.conversion[products[r]]
    }
    const u = rng()
    if (total === 0 || u >= Math.min(1, total)) return -1
    // u < min(1, total) is uniform on it: the item whose share of the sum it falls in.
    let at = (u / Math.min(1, total)) * total
    for (let r = 0; r < count; r++)
      if (clicked[r]) {
        at -= this.conversion[products[r]]
        if (at < 0) return r
      }
    return -1
  }
}
