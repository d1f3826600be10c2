import { BUYER_FAVOURITES, type Catalog, TOPIC_DIMS } from '../../core/catalog.ts'
import { CandidateIndex } from './candidate-index.ts'
import { buyerSegments, segmentQueries } from './segments.ts'
import { kthLargest } from './select.ts'

// collect() unrolls the dot product for 8 topic dimensions.
if (TOPIC_DIMS !== 8) throw new Error('bench/market/retrieval.ts assumes TOPIC_DIMS = 8')

export interface RetrievalParams {
  /** R: the most candidates one session retrieves. */
  maxCandidates: number
  /** Buyer segments for which large categories keep their own candidate lists. */
  segments: number
  /** Feed visits: products drawn per favourite category. */
  feedPoolPerCategory: number
}

/**
 * Candidate generation, the first stage of a session (two-stage retrieval → ranking, as large
 * platforms run it). A search retrieves the listed products of its category; when the category
 * holds more than R listed products, the R that best match the buyer's segment, from a list built
 * once a round per category and segment. A feed visit takes a window from each favourite category.
 * Either way a session's cost is bounded by R, whatever the size of the catalog. Relevance is then
 * computed exactly for the buyer's own query. Model: bench/METRICS.md § retrieval.
 */
export class Retrieval {
  readonly candidates: Int32Array
  readonly relevance: Float64Array
  private readonly query = new Float64Array(TOPIC_DIMS)
  private readonly candidateIndex: CandidateIndex
  /** The listed products of each category (CSR), rebuilt when listings change. */
  private readonly listedStart: Int32Array
  private readonly listed: Int32Array
  /** Each category's listed count and a hash of its listed ids at the last rebuild (-1: never built). */
  private readonly listedCount: Int32Array
  private readonly listedHash: Int32Array
  /** Per category and segment, its R best listed products; null while the category fits in R. */
  private readonly segmentLists: (Int32Array | null)[]
  /**
   * Per category and segment, the positions (in the category) of its 2R best products, listed or
   * not, best first: topics never change, so a rebuild only walks this order for the first R listed.
   */
  private readonly segmentOrders: (Int32Array | null)[]
  /**
   * Per category and segment, the topic vectors of its list's products, in list order: a search
   * reads them in one sweep, where reading them from the catalog costs a cache miss a candidate
   * once lists are sparse in large categories (as an IVF index keeps vectors inside its lists).
   */
  private readonly segmentTopics: (Float32Array | null)[]
  private readonly taken: Uint8Array
  private readonly segmentOf: Uint8Array
  private readonly segmentQuery: Float64Array
  private readonly scores: Float64Array
  private readonly scratch: Float64Array

  constructor(
    private readonly m: Catalog,
    private readonly p: RetrievalParams,
  ) {
    const R = p.maxCandidates
    this.candidates = new Int32Array(R)
    this.relevance = new Float64Array(R)
    this.candidateIndex = new CandidateIndex(R)
    this.listedStart = new Int32Array(m.categories.count + 1)
    this.listed = new Int32Array(m.products.count)
    this.listedCount = new Int32Array(m.categories.count).fill(-1)
    this.listedHash = new Int32Array(m.categories.count)
    let largest = 0
    for (let c = 0; c < m.categories.count; c++)
      largest = Math.max(largest, m.categories.start[c + 1] - m.categories.start[c])
    const segmented = largest > R ? p.segments : 0
    this.segmentLists = new Array(m.categories.count * p.segments).fill(null)
    this.segmentOrders = new Array(m.categories.count * p.segments).fill(null)
    this.segmentTopics = new Array(m.categories.count * p.segments).fill(null)
    this.taken = new Uint8Array(segmented ? largest : 0)
    const { segmentOf, prototypes } = buyerSegments(m.buyers, segmented)
    this.segmentOf = segmentOf
    this.segmentQuery = segmentQueries(m.categories, prototypes, segmented)
    this.scores = new Float64Array(segmented ? largest : 0)
    this.scratch = new Float64Array(segmented ? largest : 0)
  }

  /** Rebuilds the listed index from products.listed, and the segment lists of categories whose listings changed. */
  syncListed(): void {
    const { products, categories } = this.m
    let n = 0
    for (let c = 0; c < categories.count; c++) {
      const from = n
      let hash = 0
      for (let j = categories.start[c]; j < categories.start[c + 1]; j++) {
        const p = categories.products[j]
        if (!products.listed[p]) continue
        this.listed[n++] = p
        hash = (Math.imul(hash, 0x9e3779b1) + p + 1) | 0
      }
      this.listedStart[c] = from
      if (n - from === this.listedCount[c] && hash === this.listedHash[c]) continue
      this.listedCount[c] = n - from
      this.listedHash[c] = hash
      this.rebuildSegments(c, from, n)
    }
    this.listedStart[categories.count] = n
  }

  /** Search: the category's listed products (or its segment's R best), relevance = cosine to category + buyer taste. */
  search(buyer: number, category: number): number {
    const { categories, buyers } = this.m
    const q = this.query
    let norm = 0
    for (let d = 0; d < TOPIC_DIMS; d++) {
      q[d] = categories.centroid[category * TOPIC_DIMS + d] + 0.5 * buyers.interest[buyer * TOPIC_DIMS + d]
      norm += q[d] * q[d]
    }
    norm = Math.sqrt(norm)
    for (let d = 0; d < TOPIC_DIMS; d++) q[d] /= norm
    this.candidateIndex.clear()
    const segment = category * this.p.segments + this.segmentOf[buyer]
    const list = this.segmentLists[segment]
    if (list) return this.collect(list, 0, list.length, 0, list.length, 0, this.segmentTopics[segment]!)
    const from = this.listedStart[category]
    const size = this.listedStart[category + 1] - from
    return this.collect(this.listed, from, size, 0, size, 0, null)
  }

  /**
   * Feed: no query. From each favourite category a window of up to feedPoolPerCategory listed
   * products starting at a random offset (wrapping), so every product is equally likely to be in a
   * pool; relevance = cosine to the buyer's interests. At most R candidates in all.
   */
  feed(buyer: number, offset: number): number {
    const { buyers } = this.m
    for (let d = 0; d < TOPIC_DIMS; d++) this.query[d] = buyers.interest[buyer * TOPIC_DIMS + d]
    this.candidateIndex.clear()
    let n = 0
    for (let f = 0; f < BUYER_FAVOURITES; f++) {
      const c = buyers.favourites[buyer * BUYER_FAVOURITES + f]
      let repeated = false
      for (let g = 0; g < f; g++) if (buyers.favourites[buyer * BUYER_FAVOURITES + g] === c) repeated = true
      if (repeated) continue
      const from = this.listedStart[c]
      const size = this.listedStart[c + 1] - from
      const take = Math.min(size, this.p.feedPoolPerCategory, this.p.maxCandidates - n)
      n = this.collect(this.listed, from, size, Math.floor(offset * size), take, n, null)
    }
    return n
  }

  /** The product's index among this session's candidates, or -1. */
  readonly indexOf = (product: number): number => this.candidateIndex.indexOf(product)

  /**
   * Appends `take` products of list[from .. from+size), starting `skip` in and wrapping, with their
   * relevance; their topic vectors from listTopics (in list order) when given, else the catalog's.
   */
  private collect(
    list: Int32Array,
    from: number,
    size: number,
    skip: number,
    take: number,
    n: number,
    listTopics: Float32Array | null,
  ): number {
    const q = this.query
    const q0 = q[0],
      q1 = q[1],
      q2 = q[2],
      q3 = q[3],
      q4 = q[4],
      q5 = q[5],
      q6 = q[6],
      q7 = q[7]
    const inList = listTopics !== null
    const topic = listTopics ?? this.m.products.topic
    const { candidates, relevance, candidateIndex } = this
    for (let t = 0; t < take; t++) {
      let j = skip + t
      if (j >= size) j -= size
      const p = list[from + j]
      const o = (inList ? j : p) * 8 // TOPIC_DIMS, unrolled
      const dot =
        topic[o] * q0 +
        topic[o + 1] * q1 +
        topic[o + 2] * q2 +
        topic[o + 3] * q3 +
        topic[o + 4] * q4 +
        topic[o + 5] * q5 +
        topic[o + 6] * q6 +
        topic[o + 7] * q7
      candidates[n] = p
      // biome-ignore lint/complexity/useMathMinMax: a NaN dot gives 0 here, NaN with Math.max
      relevance[n] = dot > 0 ? dot : 0
      candidateIndex.add(p, n)
      n++
    }
    return n
  }

  /**
   * For a category with more than R listed products, each segment's list: the R listed products
   * with the highest cosine to the segment's query, in catalog order (ties to the earlier product).
   * They are the first R listed in the segment's order; only when fewer than R of its 2R are still
   * listed are the listed products scored afresh.
   */
  private rebuildSegments(c: number, from: number, to: number): void {
    const S = this.p.segments
    const R = this.p.maxCandidates
    if (to - from <= R) {
      for (let s = 0; s < S; s++) this.segmentLists[c * S + s] = this.segmentTopics[c * S + s] = null
      return
    }
    for (let s = 0; s < S; s++) {
      const k = c * S + s
      const list = this.segmentLists[k] ?? new Int32Array(R)
      this.segmentLists[k] = list
      const order = this.segmentOrders[k] ?? this.bestOrder(c, s, 2 * R)
      this.segmentOrders[k] = order
      if (!this.firstListed(c, order, list)) this.rescore(c, s, from, to - from, list)
      const topics = this.segmentTopics[k] ?? new Float32Array(R * TOPIC_DIMS)
      this.segmentTopics[k] = topics
      const topic = this.m.products.topic
      for (let n = 0; n < R; n++)
        for (let d = 0; d < TOPIC_DIMS; d++) topics[n * TOPIC_DIMS + d] = topic[list[n] * TOPIC_DIMS + d]
    }
  }

  /** The segment's query · each product of list[from .. from+size) into this.scores. */
  private score(c: number, s: number, list: Int32Array, from: number, size: number): void {
    const topic = this.m.products.topic
    const q = this.segmentQuery.subarray(
      (c * this.p.segments + s) * TOPIC_DIMS,
      (c * this.p.segments + s + 1) * TOPIC_DIMS,
    )
    for (let j = 0; j < size; j++) {
      const o = list[from + j] * TOPIC_DIMS
      let dot = 0
      for (let d = 0; d < TOPIC_DIMS; d++) dot += topic[o + d] * q[d]
      // A topic that is not a number ranks last, so exactly as many as asked are always taken.
      this.scores[j] = Number.isNaN(dot) ? -Infinity : dot
    }
  }

  /** Calls take(j, n) for the `count` best of this.scores[0 .. size), in index order (ties to the lower index). */
  private forBest(size: number, count: number, take: (j: number, n: number) => void): void {
    const threshold = kthLargest(this.scores, size, count, this.scratch)
    let above = 0
    for (let j = 0; j < size; j++) if (this.scores[j] > threshold) above++
    let ties = count - above
    for (let j = 0, n = 0; j < size && n < count; j++) {
      const score = this.scores[j]
      if (score > threshold || (score === threshold && ties-- > 0)) take(j, n++)
    }
  }

  /**
   * The positions in category c of its `keep` best products for segment s, listed or not, best first (ties: earlier
   * first).
   */
  private bestOrder(c: number, s: number, keep: number): Int32Array {
    const { categories } = this.m
    const size = categories.start[c + 1] - categories.start[c]
    this.score(c, s, categories.products, categories.start[c], size)
    const order = new Int32Array(Math.min(keep, size))
    this.forBest(size, order.length, (j, n) => (order[n] = j))
    const scores = this.scores
    return order.sort((a, b) => scores[b] - scores[a] || a - b)
  }

  /** The first R listed products of the order into list, in catalog order; false when fewer than R are listed. */
  private firstListed(c: number, order: Int32Array, list: Int32Array): boolean {
    const { categories, products } = this.m
    const R = list.length
    const start = categories.start[c]
    const taken = this.taken
    let chosen = 0
    let i = 0
    for (; i < order.length && chosen < R; i++)
      if (products.listed[categories.products[start + order[i]]]) {
        taken[order[i]] = 1
        chosen++
      }
    if (chosen < R) {
      for (let t = 0; t < i; t++) taken[order[t]] = 0
      return false
    }
    for (let j = 0, n = 0; n < R; j++)
      if (taken[j]) {
        taken[j] = 0
        list[n++] = categories.products[start + j]
      }
    return true
  }

  /** The R best of the category's listed products (this.listed[from .. from+size)) for segment s, afresh. */
  private rescore(c: number, s: number, from: number, size: number, list: Int32Array): void {
    this.score(c, s, this.listed, from, size)
    this.forBest(size, list.length, (j, n) => (list[n] = this.listed[from + j]))
  }
}
