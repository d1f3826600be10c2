import { type Buyers, type Categories, TOPIC_DIMS } from '../../core/catalog.ts'

/** Rounds of spherical k-means over buyer interests: enough for the assignments to settle (assumption). */
const ITERATIONS = 10

/**
 * Buyer segments for candidate generation: spherical k-means (cosine) of the buyers' interest
 * vectors into `count` segments, started from buyers spread evenly over the id range, so it is
 * deterministic. Returns each buyer's segment and the unit prototype of each segment.
 */
export function buyerSegments(buyers: Buyers, count: number): { segmentOf: Uint8Array; prototypes: Float64Array } {
  const cached = cache.get(buyers)?.get(count)
  if (cached) return cached
  const result = clusterBuyers(buyers, count)
  cache.set(buyers, (cache.get(buyers) ?? new Map()).set(count, result))
  return result
}

/** Every run of a catalog shares its buyers, hence their segments. */
const cache = new WeakMap<Buyers, Map<number, { segmentOf: Uint8Array; prototypes: Float64Array }>>()

function clusterBuyers(buyers: Buyers, count: number): { segmentOf: Uint8Array; prototypes: Float64Array } {
  const segmentOf = new Uint8Array(buyers.count)
  const k = Math.min(count, buyers.count, 255)
  const prototypes = new Float64Array(k * TOPIC_DIMS)
  if (k === 0) return { segmentOf, prototypes }
  for (let s = 0; s < k; s++) {
    const b = Math.floor((s * buyers.count) / k)
    for (let d = 0; d < TOPIC_DIMS; d++) prototypes[s * TOPIC_DIMS + d] = buyers.interest[b * TOPIC_DIMS + d]
  }
  const sums = new Float64Array(k * TOPIC_DIMS)
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    sums.fill(0)
    for (let b = 0; b < buyers.count; b++) {
      let best = 0
      let bestDot = -Infinity
      for (let s = 0; s < k; s++) {
        let dot = 0
        for (let d = 0; d < TOPIC_DIMS; d++) dot += prototypes[s * TOPIC_DIMS + d] * buyers.interest[b * TOPIC_DIMS + d]
        if (dot > bestDot) {
          bestDot = dot
          best = s
        }
      }
      segmentOf[b] = best
      for (let d = 0; d < TOPIC_DIMS; d++) sums[best * TOPIC_DIMS + d] += buyers.interest[b * TOPIC_DIMS + d]
    }
    for (let s = 0; s < k; s++) {
      let norm = 0
      for (let d = 0; d < TOPIC_DIMS; d++) norm += sums[s * TOPIC_DIMS + d] ** 2
      if (norm === 0) continue // an empty segment keeps its prototype
      norm = Math.sqrt(norm)
      for (let d = 0; d < TOPIC_DIMS; d++) prototypes[s * TOPIC_DIMS + d] = sums[s * TOPIC_DIMS + d] / norm
    }
  }
  return { segmentOf, prototypes }
}

/**
 * Each category's query for each segment, as a search builds a buyer's query: the unit vector of
 * centroid + 0.5 × prototype. Row-major (category × segment) × TOPIC_DIMS.
 */
export function segmentQueries(categories: Categories, prototypes: Float64Array, count: number): Float64Array {
  const k = prototypes.length / TOPIC_DIMS
  const out = new Float64Array(categories.count * count * TOPIC_DIMS)
  for (let c = 0; c < categories.count; c++) {
    for (let s = 0; s < k; s++) {
      const o = (c * count + s) * TOPIC_DIMS
      let norm = 0
      for (let d = 0; d < TOPIC_DIMS; d++) {
        out[o + d] = categories.centroid[c * TOPIC_DIMS + d] + 0.5 * prototypes[s * TOPIC_DIMS + d]
        norm += out[o + d] ** 2
      }
      norm = Math.sqrt(norm)
      for (let d = 0; d < TOPIC_DIMS; d++) out[o + d] /= norm
    }
  }
  return out
}
