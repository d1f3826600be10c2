/**
 * The kit's metrics as pure functions over plain arrays. Each is defined, with its formula, in
 * bench/metrics/definitions.ts (rendered to bench/METRICS.md); the functions follow those definitions.
 */

export function sum(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]
  return s
}

/** a / b, or 0 when b = 0: for totals and shares where nothing happened counts as none (no ad revenue per GMV). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b
}

/**
 * a / b, or NaN when b = 0: a rate or mean over a group that is empty (survival of an archetype
 * nobody belongs to, the price paid over no orders) is undefined, not 0. Written as an empty cell.
 */
export function rate(a: number, b: number): number {
  return b === 0 ? NaN : a / b
}

/**
 * Gini coefficient, population form: G = Σ_i Σ_j |x_i − x_j| / (2 n Σ x). Computed from the
 * sorted values as Σ_i (2i − n − 1) x_(i) / (n Σ x) with i = 1..n ascending, which is the same sum.
 */
export function gini(x: ArrayLike<number>): number {
  const n = x.length
  const total = sum(x)
  if (n === 0 || total === 0) return 0
  const sorted = Float64Array.from(x).sort()
  let acc = 0
  for (let i = 0; i < n; i++) acc += (2 * (i + 1) - n - 1) * sorted[i]
  return acc / (n * total)
}

/** Share of the total held by the ⌈n · fraction⌉ largest values. */
export function topShare(x: ArrayLike<number>, fraction: number): number {
  const total = sum(x)
  if (total === 0) return 0
  const sorted = Float64Array.from(x).sort().reverse()
  const top = Math.ceil(x.length * fraction)
  let held = 0
  for (let i = 0; i < top; i++) held += sorted[i]
  return held / total
}

/** Herfindahl–Hirschman index of shares in percent: Σ (100 · x_i / Σ x)², in [0, 10000]; 0 when Σ x = 0. */
export function hhi(x: ArrayLike<number>): number {
  const total = sum(x)
  if (total === 0) return 0
  let h = 0
  for (let i = 0; i < x.length; i++) {
    const s = (100 * x[i]) / total
    h += s * s
  }
  return h
}

/** Share of the total held by the entries where member[i] is true. */
export function shareOf(x: ArrayLike<number>, member: (i: number) => boolean): number {
  let part = 0
  for (let i = 0; i < x.length; i++) if (member(i)) part += x[i]
  return ratio(part, sum(x))
}

/**
 * Total-variation distance between the share vectors of a and b: ½ Σ |a_i/Σa − b_i/Σb|;
 * 0 if either sums to 0.
 */
export function totalVariationDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const sa = sum(a)
  const sb = sum(b)
  if (sa === 0 || sb === 0) return 0
  let d = 0
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] / sa - b[i] / sb)
  return d / 2
}

/** Jaccard similarity |A ∩ B| / |A ∪ B| of two id lists (entries < 0 are padding); null when both are empty. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const setA = new Set<number>()
  for (let i = 0; i < a.length; i++) if (a[i] >= 0) setA.add(a[i])
  const setB = new Set<number>()
  for (let i = 0; i < b.length; i++) if (b[i] >= 0) setB.add(b[i])
  if (setA.size === 0 && setB.size === 0) return null
  let both = 0
  for (const v of setA) if (setB.has(v)) both++
  return both / (setA.size + setB.size - both)
}

/**
 * Mean Jaccard similarity of each category's top products in round t and round t + Δ, over all
 * t with t + Δ < R and all categories where either top list is non-empty (and, given listedByRound,
 * that had more than `perCategory` listed products in both rounds: a category that cannot fill more
 * than its top list keeps it whatever the ranking does). topsByRound[t] holds `perCategory` ids per
 * category (−1 padded); listedByRound[t][c] the listed products of category c. Δ = min(delta, R − 1);
 * 0 when R < 2 and no categories are given; NaN when categories are given and no pair qualifies.
 */
export function rankPersistence(
  topsByRound: readonly Int32Array[],
  perCategory: number,
  delta: number,
  listedByRound?: readonly Int32Array[],
): number {
  const rounds = topsByRound.length
  const d = Math.min(delta, rounds - 1)
  let total = 0
  let count = 0
  for (let t = 0; d >= 1 && t + d < rounds; t++) {
    const a = topsByRound[t]
    const b = topsByRound[t + d]
    for (let c = 0; c * perCategory < a.length; c++) {
      if (listedByRound && !(listedByRound[t][c] > perCategory && listedByRound[t + d][c] > perCategory)) continue
      const j = jaccard(
        a.subarray(c * perCategory, (c + 1) * perCategory),
        b.subarray(c * perCategory, (c + 1) * perCategory),
      )
      if (j === null) continue
      total += j
      count++
    }
  }
  return listedByRound ? rate(total, count) : ratio(total, count)
}

/**
 * Categories with products that rank persistence leaves out: in no pair of rounds t, t + Δ did they
 * have more than `perCategory` listed products in both. listedByRound as for rankPersistence.
 */
export function persistenceExcludedCategories(
  listedByRound: readonly Int32Array[],
  perCategory: number,
  delta: number,
  productsPerCategory: ArrayLike<number>,
): number {
  const rounds = listedByRound.length
  const d = Math.min(delta, rounds - 1)
  let excluded = 0
  for (let c = 0; c < productsPerCategory.length; c++) {
    if (productsPerCategory[c] === 0) continue
    let counted = false
    for (let t = 0; d >= 1 && t + d < rounds && !counted; t++)
      counted = listedByRound[t][c] > perCategory && listedByRound[t + d][c] > perCategory
    if (!counted) excluded++
  }
  return excluded
}

/** Median (mean of the two middle values for an even count); NaN (empty) for no values. */
export function median(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}
