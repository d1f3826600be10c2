/**
 * Position bias shared by the engine's buyer model and plugins that reason about attention: the
 * chance a buyer examines slot r (1-based) is 1 / log2(r + 1). Returned for slots 1..k.
 */
export function examinationWeights(k: number): Float64Array {
  return Float64Array.from({ length: k }, (_, i) => 1 / Math.log2(i + 2))
}
