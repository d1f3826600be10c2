import { TOPIC_DIMS } from './catalog.ts'
import { normal, type Rng } from './rng.ts'

/** Writes normalise(base + spread × gaussian noise) into out[offset .. offset+TOPIC_DIMS). */
export function noisyUnitVector(
  rng: Rng,
  out: Float32Array,
  offset: number,
  base: ArrayLike<number> | null,
  baseOffset: number,
  spread: number,
): void {
  let norm = 0
  for (let d = 0; d < TOPIC_DIMS; d++) {
    const v = (base ? base[baseOffset + d] : 0) + spread * normal(rng)
    out[offset + d] = v
    norm += v * v
  }
  norm = Math.sqrt(norm) || 1
  for (let d = 0; d < TOPIC_DIMS; d++) out[offset + d] /= norm
}

/**
 * CSR index of items by a key in [0, keyCount): the items with key c are items[start[c] .. start[c+1]),
 * in id order. Products by category, offers by identical-product group.
 */
export function indexByKey(keyCount: number, keyOf: Int32Array): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(keyCount + 1)
  for (let i = 0; i < keyOf.length; i++) start[keyOf[i] + 1]++
  for (let c = 0; c < keyCount; c++) start[c + 1] += start[c]
  const fill = start.slice(0, keyCount)
  const items = new Int32Array(keyOf.length)
  for (let i = 0; i < keyOf.length; i++) items[fill[keyOf[i]]++] = i
  return { start, items }
}
