/**
 * The position-based click model (PBM; Chuklin, Markov and de Rijke, "Click Models for Web Search",
 * Morgan & Claypool, 2015, ch. 3): a buyer clicks the product a shown at position k when it examines
 * k (probability γ_k) and finds a attractive (α_a), independently: P(click) = γ_k · α_a. Fitted by
 * expectation–maximisation on impressions and clicks aggregated by (product, position), the update
 * PyClick uses: an unclicked impression was examined with posterior γ(1 − α) / (1 − γα) and
 * attractive with posterior α(1 − γ) / (1 − γα); a click was both.
 */

/** Impressions and clicks by (product, position), as parallel arrays; counts may be bootstrap-weighted. */
export interface PairCounts {
  product: Int32Array
  position: Int32Array
  impressions: Float64Array
  clicks: Float64Array
}

export interface PbmFit {
  /** γ by 1-based position, at index k − 1 (NaN where the position was never shown). */
  examination: Float64Array
  /** α by product (NaN for a product never shown). */
  attractiveness: Float64Array
  iterations: number
}

export interface PbmOptions {
  products: number
  positions: number
  maxIterations?: number
  /**
   * Stop when no relative examination γ_k / γ_1 moves more than this in an iteration, nor any γ_1 · α_a more than
   * 10× this: the scale EM trades slowly between γ and α changes no prediction.
   */
  tolerance?: number
  /** Where EM starts (a bootstrap replicate starts from the full fit: fewer iterations, the same optimum). */
  start?: PbmFit
}

/** EM's default stopping rule (PbmOptions.tolerance) and iteration cap. */
export const EM_TOLERANCE = 1e-4
export const EM_MAX_ITERATIONS = 1000

/** Keeps a parameter inside (0, 1): a posterior of 0/0 at exactly 1 is avoided, as PyClick's clipping does. */
const EPSILON = 1e-9
const clip = (x: number) => Math.min(1 - EPSILON, Math.max(EPSILON, x))

export function fitPbm(pairs: PairCounts, o: PbmOptions): PbmFit {
  const { product, position, impressions, clicks } = pairs
  const maxIterations = o.maxIterations ?? EM_MAX_ITERATIONS
  const tolerance = o.tolerance ?? EM_TOLERANCE
  const alpha = new Float64Array(o.products).fill(0.5)
  const gamma = new Float64Array(o.positions).fill(0.5)
  if (o.start) {
    for (let a = 0; a < o.products; a++)
      if (!Number.isNaN(o.start.attractiveness[a])) alpha[a] = o.start.attractiveness[a]
    for (let k = 0; k < o.positions; k++) if (!Number.isNaN(o.start.examination[k])) gamma[k] = o.start.examination[k]
  }
  // Per product and position: the impressions (the denominators, fixed) and the expected counts (numerators).
  const alphaN = new Float64Array(o.products)
  const gammaN = new Float64Array(o.positions)
  for (let i = 0; i < product.length; i++) {
    alphaN[product[i]] += impressions[i]
    gammaN[position[i] - 1] += impressions[i]
  }
  const alphaSum = new Float64Array(o.products)
  const gammaSum = new Float64Array(o.positions)
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    alphaSum.fill(0)
    gammaSum.fill(0)
    for (let i = 0; i < product.length; i++) {
      const a = alpha[product[i]]
      const g = gamma[position[i] - 1]
      const c = clicks[i]
      const missed = (impressions[i] - c) / (1 - a * g)
      alphaSum[product[i]] += c + missed * a * (1 - g)
      gammaSum[position[i] - 1] += c + missed * g * (1 - a)
    }
    let moved = 0
    const first = gammaN.findIndex((n) => n > 0)
    const scaleBefore = gamma[first]
    const scaleAfter = clip(gammaSum[first] / gammaN[first])
    for (let a = 0; a < o.products; a++)
      if (alphaN[a] > 0) {
        const next = clip(alphaSum[a] / alphaN[a])
        moved = Math.max(moved, Math.abs(next * scaleAfter - alpha[a] * scaleBefore) / 10)
        alpha[a] = next
      }
    for (let k = 0; k < o.positions; k++)
      if (gammaN[k] > 0) {
        const next = clip(gammaSum[k] / gammaN[k])
        moved = Math.max(moved, Math.abs(next / scaleAfter - gamma[k] / scaleBefore))
        gamma[k] = next
      }
    if (moved < tolerance) {
      iterations++
      break
    }
  }
  for (let a = 0; a < o.products; a++) if (alphaN[a] === 0) alpha[a] = NaN
  for (let k = 0; k < o.positions; k++) if (gammaN[k] === 0) gamma[k] = NaN
  return { examination: gamma, attractiveness: alpha, iterations }
}

/**
 * γ relative to the first shown position (= 1): PBM identifies only products γ_k · α_a, so the scale
 * of the curve is a convention; the kit's default curve also starts at 1.
 */
export function relativeExamination(fit: PbmFit): Float64Array {
  const first = fit.examination.find((g) => !Number.isNaN(g)) ?? NaN
  return fit.examination.map((g) => g / first)
}

/**
 * How well the data pin the curve down: positions are linked when one product was shown at both,
 * and the relative examination of two positions is identified only within one linked group. Counts
 * the products seen at two or more positions, their share of impressions, and the groups.
 */
export function identifiability(pairs: PairCounts, products: number, positions: number) {
  const firstPosition = new Int32Array(products).fill(-1)
  const multi = new Uint8Array(products)
  const parent = Int32Array.from({ length: positions }, (_, k) => k)
  const root = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]]
    return k
  }
  const shownAt = new Uint8Array(positions)
  for (let i = 0; i < pairs.product.length; i++) {
    if (pairs.impressions[i] <= 0) continue
    const a = pairs.product[i]
    const k = pairs.position[i] - 1
    shownAt[k] = 1
    if (firstPosition[a] < 0) firstPosition[a] = k
    else if (firstPosition[a] !== k) {
      multi[a] = 1
      parent[root(k)] = root(firstPosition[a])
    }
  }
  let multiImpressions = 0
  let allImpressions = 0
  for (let i = 0; i < pairs.product.length; i++) {
    allImpressions += pairs.impressions[i]
    if (multi[pairs.product[i]]) multiImpressions += pairs.impressions[i]
  }
  const groups = new Set<number>()
  for (let k = 0; k < positions; k++) if (shownAt[k]) groups.add(root(k))
  return {
    productsAtSeveralPositions: multi.reduce((s, m) => s + m, 0),
    impressionShare: allImpressions > 0 ? multiImpressions / allImpressions : 0,
    linkedGroups: groups.size,
  }
}
