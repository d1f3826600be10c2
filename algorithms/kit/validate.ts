import type { Slots } from './slots.ts'

/**
 * Checks a plugin's slots for one session: at most k, each a candidate of the session, no
 * duplicates, each CPC a finite number ≥ 0. `mark` is a per-product stamp array the caller
 * sets to `stamp` for every candidate before ranking. Returns an error message, or null.
 */
export function slotsError(slots: Slots, k: number, mark: Int32Array, stamp: number): string | null {
  if (!Number.isInteger(slots.count) || slots.count < 0 || slots.count > k) return `filled ${slots.count} slots; at most k = ${k} are allowed`
  for (let i = 0; i < slots.count; i++) {
    const p = slots.products[i]
    const cpc = slots.cpc[i]
    if (!(p >= 0 && p < mark.length)) return `slot ${i + 1} holds product ${p}, which is not a product index`
    if (mark[p] === -stamp) return `slot ${i + 1} repeats product ${p}`
    if (mark[p] !== stamp) return `slot ${i + 1} holds product ${p}, which is not a candidate of this session`
    if (!Number.isFinite(cpc) || cpc < 0) return `slot ${i + 1} has CPC ${cpc}; a CPC must be a finite number ≥ 0`
    mark[p] = -stamp
  }
  return null
}
