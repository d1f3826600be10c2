/**
 * Position bias shared by the engine's buyer model and plugins that reason about attention: the
 * chance a buyer examines slot r (1-based) is 1 / log2(r + 1). Returned for slots 1..k.
 */
export function examinationWeights(k: number): Float64Array {
  return Float64Array.from({ length: k }, (_, i) => 1 / Math.log2(i + 2))
}

/** The named examination curves; a scenario may also give measured weights (bench calibrate fits them). */
export const EXAMINATION_CURVES = {
  log2: (k: number) => examinationWeights(k),
  reciprocal: (k: number) => Float64Array.from({ length: k }, (_, i) => 1 / (i + 1)),
  none: (k: number) => new Float64Array(k).fill(1),
} as const
export type ExaminationCurveName = keyof typeof EXAMINATION_CURVES

/**
 * The examination curve for slots 1..k: a named curve, or weights for positions 1, 2, … (positions
 * past the list's end take its last weight).
 */
export function examinationCurve(curve: ExaminationCurveName | readonly number[], k: number): Float64Array {
  if (typeof curve === 'string') return EXAMINATION_CURVES[curve](k)
  return Float64Array.from({ length: k }, (_, i) => curve[Math.min(i, curve.length - 1)])
}
