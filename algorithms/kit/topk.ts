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

/** Fills the remaining slots with candidates in score order, skipping ones already shown. */
export function fillByScore(
  scores: ReadonlyColumn,
  candidates: Int32Array,
  n: number,
  slots: { count: number; capacity: number; has(p: number): boolean; push(p: number, cpc?: number): boolean },
  scratch: Int32Array,
): void {
  // Ask for enough to cover products already placed in sponsored slots.
  const want = Math.min(scratch.length, slots.capacity)
  const got = topK(scores, n, want, scratch)
  for (let i = 0; i < got && slots.count < slots.capacity; i++) {
    const product = candidates[scratch[i]]
    if (!slots.has(product)) slots.push(product)
  }
}
