/**
 * The k-th largest of values[0 .. n) (1-based k ≤ n), by quickselect on a copy in scratch
 * (median-of-three pivots, deterministic); O(n) on average. values is left unchanged.
 */
export function kthLargest(values: ArrayLike<number>, n: number, k: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = values[i]
  let lo = 0
  let hi = n - 1
  const target = k - 1 // index in descending order
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const a = scratch[lo],
      b = scratch[mid],
      c = scratch[hi]
    // biome-ignore lint/complexity/useMathMinMax: median of three by comparisons; Math.min/max would differ on NaN
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b
    let i = lo
    let j = hi
    while (i <= j) {
      while (scratch[i] > pivot) i++
      while (scratch[j] < pivot) j--
      if (i <= j) {
        const t = scratch[i]
        scratch[i++] = scratch[j]
        scratch[j--] = t
      }
    }
    if (target <= j) hi = j
    else if (target >= i) lo = i
    else return scratch[target]
  }
  return scratch[target]
}
