import type { Slots } from '../../algorithms/kit/slots.ts'
import type { Rng } from '../../core/rng.ts'

/**
 * The highest cost per click a slot may carry, in dollars (assumption: far above any keyword's real CPC, which runs
 * from cents to tens of dollars; a CPC of 1e300 is a bug, and would turn the ad revenue's sums into nonsense).
 */
export const MAX_CPC = 1000

/**
 * Checks a plugin's slots for one session: at most k, each a candidate of the session (by
 * candidateIndexOf, -1 for a non-candidate), no duplicates, each CPC a number from 0 to MAX_CPC.
 * Returns an error message, or null.
 */
export function slotsError(
  slots: Slots,
  k: number,
  productCount: number,
  candidateIndexOf: (product: number) => number,
): string | null {
  if (!Number.isInteger(slots.count) || slots.count < 0 || slots.count > k)
    return `filled ${slots.count} slots; at most k = ${k} are allowed`
  for (let i = 0; i < slots.count; i++) {
    const p = slots.products[i]
    const cpc = slots.cpc[i]
    if (!(Number.isInteger(p) && p >= 0 && p < productCount))
      return `slot ${i + 1} holds product ${p}, which is not a product index`
    if (candidateIndexOf(p) < 0) return `slot ${i + 1} holds product ${p}, which is not a candidate of this session`
    for (let j = 0; j < i; j++) if (slots.products[j] === p) return `slot ${i + 1} repeats product ${p}`
    if (!Number.isFinite(cpc) || cpc < 0 || cpc > MAX_CPC)
      return `slot ${i + 1} has CPC ${cpc}; a CPC must be a number from 0 to ${MAX_CPC} dollars`
  }
  return null
}

/** A uniform permutation of the filled slots, each product moving with its CPC (Fisher–Yates). */
export function shuffleSlate(slots: Slots, rng: Rng): void {
  const { products, cpc } = slots
  for (let i = slots.count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const p = products[i]
    products[i] = products[j]
    products[j] = p
    const c = cpc[i]
    cpc[i] = cpc[j]
    cpc[j] = c
  }
}
