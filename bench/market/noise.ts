import { makeRng, normal } from '../../core/rng.ts'

/**
 * Share of the estimator's error variance that belongs to the item (the same for every query) rather than to the
 * query–item pair (assumption).
 */
export const ITEM_ERROR_SHARE = 0.5
/**
 * Precomputed standard normals the query–item errors are looked up in
 * (2^14: enough that collisions do not matter).
 */
const TABLE_BITS = 14

/**
 * The platform's relevance model: what a plugin sees instead of the true relevance. A real platform
 * estimates relevance from text and behaviour and never knows the truth; here the estimate is
 *   estimated = clamp(true + σ × (√s × e_item + √(1 − s) × e_query,item), 0, 1)
 * with σ = market.retrieval.relevanceNoise, s = ITEM_ERROR_SHARE, and e standard normals that are
 * deterministic functions of the seed and of (item) or (buyer, category, item): the same query
 * always gets the same estimate, as from a fixed model, and every plugin of a seed sees the same
 * errors. The item part is a persistent misjudgement (a poor title, a wrong attribute) that
 * behaviour can reveal; the query part is the model's noise per query. σ = 0 gives the true relevance.
 */
export class RelevanceEstimator {
  private readonly itemError: Float32Array
  private readonly table: Float64Array
  private readonly mask = (1 << TABLE_BITS) - 1

  constructor(
    seed: number,
    products: number,
    private readonly sigma: number,
  ) {
    const items = makeRng(seed, 'relevance-noise:items')
    const pairs = makeRng(seed, 'relevance-noise:pairs')
    const itemScale = sigma * Math.sqrt(ITEM_ERROR_SHARE)
    const pairScale = sigma * Math.sqrt(1 - ITEM_ERROR_SHARE)
    this.itemError =
      sigma > 0 ? Float32Array.from({ length: products }, () => itemScale * normal(items)) : new Float32Array(0)
    this.table =
      sigma > 0 ? Float64Array.from({ length: 1 << TABLE_BITS }, () => pairScale * normal(pairs)) : new Float64Array(0)
  }

  /** Writes the estimate of truth[0..n) for candidates[0..n) of the query (buyer, category) into out. */
  estimate(
    truth: Float64Array,
    candidates: Int32Array,
    n: number,
    buyer: number,
    category: number,
    out: Float64Array,
  ): void {
    if (this.sigma === 0) {
      out.set(truth.subarray(0, n))
      return
    }
    const query = Math.imul(buyer + 1, 0x9e3779b1) ^ Math.imul(category + 2, 0x85ebca6b)
    for (let i = 0; i < n; i++) {
      const p = candidates[i]
      // A 32-bit integer mix (murmur3's finaliser) of query and item picks the pair's error.
      let h = query ^ Math.imul(p + 1, 0xc2b2ae35)
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
      h ^= h >>> 16
      const e = truth[i] + this.itemError[p] + this.table[h & this.mask]
      // biome-ignore lint/complexity/useMathMinMax: hot path kept bit-identical (Math.max(0, -0) would give +0)
      out[i] = e < 0 ? 0 : e > 1 ? 1 : e
    }
  }
}
