import { TOPIC_DIMS } from '../core/catalog.ts'
import { normal, type Rng } from '../core/rng.ts'

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
