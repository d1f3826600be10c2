import { describe, expect, it } from 'vitest'
import { Retrieval } from '../bench/market/retrieval.ts'
import { buyerSegments, segmentQueries } from '../bench/market/segments.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { TOPIC_DIMS } from '../core/catalog.ts'
import { makeRng } from '../core/rng.ts'
import { generateCatalog } from '../datasets/generate.ts'

const scenario = loadScenario('small')
const R = 40
const SEGMENTS = 4

/**
 * What a search must retrieve, from scratch: the listed products of the category, or, past R, the R with the highest
 * segment score (ties to the earlier), in catalog order.
 */
function expected(catalog: ReturnType<typeof generateCatalog>, queries: Float64Array, c: number, s: number): number[] {
  const { categories, products } = catalog
  const listed = Array.from(categories.products.subarray(categories.start[c], categories.start[c + 1])).filter(
    (p) => products.listed[p],
  )
  if (listed.length <= R) return listed
  const q = queries.subarray((c * SEGMENTS + s) * TOPIC_DIMS, (c * SEGMENTS + s + 1) * TOPIC_DIMS)
  const score = (p: number) => {
    let dot = 0
    for (let d = 0; d < TOPIC_DIMS; d++) dot += products.topic[p * TOPIC_DIMS + d] * q[d]
    return dot
  }
  const best = new Set(
    listed
      .map((p, at) => ({ p, at, score: score(p) }))
      .sort((a, b) => b.score - a.score || a.at - b.at)
      .slice(0, R)
      .map((x) => x.p),
  )
  return listed.filter((p) => best.has(p))
}

/**
 * A search's relevance, max(0, cosine(topic, normalise(centroid + 0.5 × interest))), computed as the model states it.
 */
function relevanceOf(
  { categories, buyers, products }: ReturnType<typeof generateCatalog>,
  buyer: number,
  c: number,
  p: number,
): number {
  const q = Array.from(
    { length: TOPIC_DIMS },
    (_, d) => categories.centroid[c * TOPIC_DIMS + d] + 0.5 * buyers.interest[buyer * TOPIC_DIMS + d],
  )
  const norm = Math.sqrt(q.reduce((sum, x) => sum + x * x, 0))
  const dot = q.reduce((sum, x, d) => sum + products.topic[p * TOPIC_DIMS + d] * (x / norm), 0)
  // biome-ignore lint/complexity/useMathMinMax: like the engine, a NaN dot gives 0 (Math.max would give NaN)
  return dot > 0 ? dot : 0
}

describe('retrieval: bounded candidate lists per category and buyer segment', () => {
  it(
    'equals the R best listed products, with their relevance, computed from scratch, ' +
      'through many listing changes (incremental and rescored paths)',
    () => {
      const catalog = generateCatalog({ ...scenario.catalog, products: 6000, categories: 8 }, 3, 2)
      const retrieval = new Retrieval(catalog, { maxCandidates: R, segments: SEGMENTS, feedPoolPerCategory: 10 })
      const { segmentOf, prototypes } = buyerSegments(catalog.buyers, SEGMENTS)
      const queries = segmentQueries(catalog.categories, prototypes, SEGMENTS)
      const buyerOf = Array.from({ length: SEGMENTS }, (_, s) => segmentOf.indexOf(s))
      expect(buyerOf.every((b) => b >= 0)).toBe(true)
      const { products, categories } = catalog
      const rng = makeRng(7, 'listings')
      let checked = 0
      for (let round = 0; round < 12; round++) {
        // Mostly small changes; now and then a category loses most of its listings
        // (past its 2R best: rescored afresh) or gets them all back.
        for (let c = 0; c < categories.count; c++) {
          const share = round % 4 === 3 ? (rng() < 0.5 ? 0.9 : 0) : 0.05
          for (let j = categories.start[c]; j < categories.start[c + 1]; j++)
            if (rng() < share || round % 4 === 0) products.listed[categories.products[j]] = round % 4 === 0 ? 1 : 0
        }
        retrieval.syncListed()
        for (let c = 0; c < categories.count; c++)
          for (let s = 0; s < SEGMENTS; s++) {
            const n = retrieval.search(buyerOf[s], c)
            expect(
              Array.from(retrieval.candidates.subarray(0, n)),
              `round ${round}, category ${c}, segment ${s}`,
            ).toEqual(expected(catalog, queries, c, s))
            expect(Array.from(retrieval.relevance.subarray(0, n))).toEqual(
              Array.from(retrieval.candidates.subarray(0, n), (p) => relevanceOf(catalog, buyerOf[s], c, p)),
            )
            checked++
          }
      }
      expect(checked).toBe(12 * 8 * SEGMENTS)
    },
  )

  it(
    'a category whose topic vectors are not numbers ' + 'still retrieves at most R of its listed products (no hang)',
    () => {
      const catalog = generateCatalog({ ...scenario.catalog, products: 3000, categories: 4 }, 5, 2)
      catalog.products.topic.fill(NaN)
      const retrieval = new Retrieval(catalog, { maxCandidates: R, segments: SEGMENTS, feedPoolPerCategory: 10 })
      retrieval.syncListed()
      const { categories, products } = catalog
      for (let c = 0; c < categories.count; c++) {
        const n = retrieval.search(0, c)
        expect(n).toBeLessThanOrEqual(R)
        const mine = new Set(categories.products.subarray(categories.start[c], categories.start[c + 1]))
        for (const p of retrieval.candidates.subarray(0, n)) expect(mine.has(p) && products.listed[p] === 1).toBe(true)
      }
    },
  )
})
