import type { ReadonlyColumn } from './contract.ts'

/**
 * Indices of the k largest scores among scores[0 .. n), best first, written to out; returns how many.
 * Entries of -Infinity are never selected (use it to filter). Ties go to the lower index, so the
 * result is deterministic. A bounded insertion buffer: O(n log k)-ish, no allocation.
 */
export function topK(scores: ReadonlyColumn, n: number, k: number, out: Int32Array): number {
  const cap = Math.min(k, out.length)
  if (cap <= 0) return 0
  let size = 0
  // The score an entry must beat to get in; -Infinity until the buffer is full.
  let threshold = -Infinity
  for (let i = 0; i < n; i++) {
    const s = scores[i]
    if (!(s > threshold)) continue // also skips NaN and -Infinity
    let j = size < cap ? size++ : size - 1
    while (j > 0 && s > scores[out[j - 1]]) {
      out[j] = out[j - 1]
      j--
    }
    out[j] = i
    if (size === cap) threshold = scores[out[cap - 1]]
  }
  return size
}
