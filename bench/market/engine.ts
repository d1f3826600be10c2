import type { Catalog } from '../../datasets/catalog.ts'
import { ARCHETYPES, BUYER_FAVOURITES, DEPARTMENTS, TOPIC_DIMS, averageRating } from '../../datasets/catalog.ts'
import { indexByKey } from '../../datasets/topics.ts'
import { cumulative, drawIndex, gumbel, makeRng, normal, type Rng } from '../../datasets/rng.ts'
import type { MarketView, PlatformRules, Plugin, Ranker, Session, SessionKind } from '../../algorithms/kit/contract.ts'
import { examinationWeights } from '../../algorithms/kit/attention.ts'
import { HAUL_MAX_PRICE, HAUL_MAX_WEIGHT_LB, platformRules } from '../../algorithms/kit/fees.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import { topK } from '../../algorithms/kit/topk.ts'
import { slotsError } from '../../algorithms/kit/validate.ts'
import type { MarketParams } from '../runner/scenario.ts'

/** How many products per category and round count as its "top" for rank persistence. */
export const TOP_PER_CATEGORY = 10
const NDCG_DEPTH = 10
/** Candidate keys: stamp × KEY_SPAN + candidate index (exact in a double for 2^29 sessions of 2^24 candidates). */
const KEY_SPAN = 2 ** 24
// collect() unrolls the relevance dot product for 8 topic dimensions.
if (TOPIC_DIMS !== 8) throw new Error('bench/market/engine.ts collect() assumes TOPIC_DIMS = 8')
/** Bids never rise above this multiple of the category base bid (a seller's sanity cap; assumption). */
const MAX_BID_LEVEL = 8

export { examinationWeights }

/** Raw tallies of one round; metrics are computed from them afterwards (bench/summarize.ts). */
export interface RoundTally {
  sellerExposure: Float64Array
  sellersActive: number
  gmv: number
  orders: number
  adRevenue: number
  sponsoredClicks: number
  impressions: number
  sponsoredImpressions: number
  /** Per category, the TOP_PER_CATEGORY product ids with the most exposure this round, -1 padded. */
  topProducts: Int32Array
  /** Seller revenue by archetype (factory, trader, brand) this round. */
  revenueByArchetype: Float64Array
  /** Mean declared price of listed offers at the end of the round (after any price cuts). */
  meanDeclaredPrice: number
}

export interface SellerTally {
  exposure: Float64Array
  impressions: Float64Array
  clicks: Float64Array
  orders: Float64Array
  /** What the seller bills: declared price × units. */
  revenue: Float64Array
  adSpend: Float64Array
  /** Referral commission and fulfilment fees paid. */
  fees: Float64Array
  profit: Float64Array
  /** Merit received: see exposure_merit_tvd in METRICS.md. */
  merit: Float64Array
}

export interface CapturedSession {
  kind: SessionKind
  buyer: number
  category: number
  round: number
  candidates: Int32Array
  relevance: Float64Array
}

export interface RunOutcome {
  sessions: number
  /** Sessions with at least one candidate (the others show nothing). */
  rankedSessions: number
  orders: number
  gmv: number
  adRevenue: number
  commission: number
  fulfilmentFees: number
  impressions: number
  sponsoredImpressions: number
  sponsoredClicks: number
  surplusSum: number
  ndcgSum: number
  deliveryDaysSum: number
  /** Mean declared price of listed offers before the first round. */
  startMeanDeclaredPrice: number
  /** Exposure of listings priced lower on another platform (retail > price elsewhere), and all exposure. */
  flaggedExposure: number
  exposure: number
  /** Impressions of items outside Amazon Haul's box (retail ≥ $20 or weight ≥ 1 lb). */
  outsideHaulBoxImpressions: number
  /** Over rounds, in identical-product groups with ≥ 2 listed offers: exposure of the cheapest offer, and of the whole group. */
  cheapestOfferExposure: number
  contestedGroupExposure: number
  sellers: SellerTally
  activeAtEnd: Uint8Array
  rounds: RoundTally[]
  /** Wall time of the simulation loop (not deterministic). */
  elapsedMs: number
  captured: CapturedSession[]
  ranker: Ranker
  market: Catalog
}

export interface RunOptions {
  plugin: Plugin
  params: Record<string, unknown>
  market: MarketParams
  /** A fresh copy: the run mutates it. */
  catalog: Catalog
  seed: number
  /** Sessions of the last round kept for the throughput benchmark. */
  capture?: number
  onProgress?: (sessionsDone: number) => void
}

/** A plugin broke the contract; the message names the plugin, the round and what was wrong. */
export class PluginOutputError extends Error {
  override name = 'PluginOutputError'
}

/** Runs one plugin over one seeded market for all rounds and returns the raw tallies. */
export function runMarket(options: RunOptions): RunOutcome {
  return new MarketRun(options).run()
}

/** One plugin's run over one market. `runMarket` drives it; the perf script times `runSession` alone. */
export class MarketRun {
  private readonly m: Catalog
  private readonly p: MarketParams
  private readonly rules: PlatformRules
  private readonly ranker: Ranker
  private readonly pluginName: string
  private readonly k: number
  private readonly exam: Float64Array
  private readonly sessionRng: Rng
  private readonly buyerRng: Rng
  private readonly popularity: Float64Array
  private readonly slots: Slots
  private readonly capture: number
  private readonly onProgress?: (n: number) => void

  // Per-session buffers, reused.
  private readonly candidates: Int32Array
  private readonly relevance: Float64Array
  private readonly gains: Float64Array
  private readonly idealOrder = new Int32Array(NDCG_DEPTH)
  private readonly query = new Float64Array(TOPIC_DIMS)
  private readonly clickedSlot: Int32Array
  /** The rating quality (rating − 1) / 4 of each clicked slot, as the click model saw it. */
  private readonly clickedRating: Float64Array
  /**
   * Per product: stamp × KEY_SPAN + its index among the current session's candidates, so one
   * write per candidate both marks it (for validation) and finds its relevance again.
   */
  private readonly candidateKey: Float64Array
  /** Relevance of the product in each filled slot, looked up once after validation. */
  private readonly slotRelevance: Float64Array
  /**
   * The listed products of each category, rebuilt when listings change (once a round), with their
   * topic and quality copied alongside: retrieval then reads memory sequentially, without a branch.
   */
  private readonly listedStart: Int32Array
  private readonly listedProducts: Int32Array
  private readonly listedTopic: Float32Array
  private readonly listedQuality: Float64Array
  private stamp = 0
  /** Sum of the current session's candidate gains. */
  private totalGain = 0
  private readonly session: { -readonly [K in keyof Session]: Session[K] }

  // Per-product tallies of the current round.
  private readonly roundImpressions: Float64Array
  private readonly roundClicks: Float64Array
  private readonly roundOrders: Float64Array
  private readonly roundExposure: Float64Array
  private readonly roundMerit: Float64Array
  // Per-seller tallies of the current round.
  private readonly roundSellerExposure: Float64Array
  private readonly roundAdSpend: Float64Array
  private readonly roundProfit: Float64Array
  private readonly roundAdMargin: Float64Array
  /** Profit of each seller's last exitWindow rounds, ring buffer sellers × window. */
  private readonly profitHistory: Float64Array
  private readonly groupStart: Int32Array
  private readonly groupOffers: Int32Array

  private readonly sellers: SellerTally
  private readonly out: Omit<RunOutcome, 'sellers' | 'activeAtEnd' | 'rounds' | 'elapsedMs' | 'captured' | 'ranker' | 'market'>
  private round: RoundTally | null = null
  private readonly rounds: RoundTally[] = []
  readonly captured: CapturedSession[] = []

  constructor(options: RunOptions) {
    const { catalog: m, market: p, plugin } = options
    this.m = m
    this.p = p
    this.k = p.slots
    this.pluginName = plugin.name
    this.rules = platformRules(plugin.platform?.(options.params))
    this.exam = examinationWeights(this.k)
    this.sessionRng = makeRng(options.seed, 'sessions')
    this.buyerRng = makeRng(options.seed, 'buyers')
    this.popularity = cumulative(m.categories.popularity)
    this.slots = new Slots(this.k)
    this.capture = options.capture ?? 0
    this.onProgress = options.onProgress

    const nP = m.products.count
    const nS = m.sellers.count
    let maxCandidates = 0
    for (let c = 0; c < m.categories.count; c++) maxCandidates = Math.max(maxCandidates, m.categories.start[c + 1] - m.categories.start[c])
    if (this.rules.sessionKind === 'feed') maxCandidates = Math.min(maxCandidates, p.feedPoolPerCategory) * BUYER_FAVOURITES
    this.candidates = new Int32Array(maxCandidates)
    this.relevance = new Float64Array(maxCandidates)
    this.gains = new Float64Array(maxCandidates)
    this.clickedSlot = new Int32Array(this.k)
    this.clickedRating = new Float64Array(this.k)
    this.candidateKey = new Float64Array(nP)
    this.slotRelevance = new Float64Array(this.k)
    this.listedStart = new Int32Array(m.categories.count + 1)
    this.listedProducts = new Int32Array(nP)
    this.listedTopic = new Float32Array(nP * TOPIC_DIMS)
    this.listedQuality = new Float64Array(nP)
    this.session = { round: 0, kind: this.rules.sessionKind, buyer: 0, category: -1, k: this.k, n: 0, candidates: this.candidates, relevance: this.relevance }

    this.roundImpressions = new Float64Array(nP)
    this.roundClicks = new Float64Array(nP)
    this.roundOrders = new Float64Array(nP)
    this.roundExposure = new Float64Array(nP)
    this.roundMerit = new Float64Array(nP)
    this.roundSellerExposure = new Float64Array(nS)
    this.roundAdSpend = new Float64Array(nS)
    this.roundProfit = new Float64Array(nS)
    this.roundAdMargin = new Float64Array(nS)
    this.profitHistory = new Float64Array(nS * p.exitWindow)
    ;({ start: this.groupStart, items: this.groupOffers } = indexByKey(m.groupCount, m.products.group))

    const column = () => new Float64Array(nS)
    this.sellers = { exposure: column(), impressions: column(), clicks: column(), orders: column(), revenue: column(), adSpend: column(), fees: column(), profit: column(), merit: column() }
    this.out = {
      sessions: 0, rankedSessions: 0, orders: 0, gmv: 0, adRevenue: 0, commission: 0, fulfilmentFees: 0, impressions: 0, sponsoredImpressions: 0, sponsoredClicks: 0,
      surplusSum: 0, ndcgSum: 0, deliveryDaysSum: 0, startMeanDeclaredPrice: 0, flaggedExposure: 0, exposure: 0, outsideHaulBoxImpressions: 0, cheapestOfferExposure: 0, contestedGroupExposure: 0,
    }
    this.priceInFees()
    this.ranker = plugin.create({ market: m as unknown as MarketView, params: options.params, rng: makeRng(options.seed, `plugin:${plugin.name}`), k: this.k })
  }

  run(): RunOutcome {
    const started = performance.now()
    const sessionsPerRound = this.p.sessionsPerRound
    for (let r = 0; r < this.p.rounds; r++) {
      this.startRound(r)
      const capturing = r === this.p.rounds - 1 ? this.capture : 0
      for (let s = 0; s < sessionsPerRound; s++) {
        this.runSession(r, s < capturing)
        if (this.onProgress && (s & 255) === 255) this.onProgress(256)
      }
      if (this.onProgress) this.onProgress(sessionsPerRound & 255)
      this.endRound(r)
    }
    return {
      ...this.out,
      sellers: this.sellers,
      activeAtEnd: this.m.sellers.active.slice(),
      rounds: this.rounds,
      elapsedMs: performance.now() - started,
      captured: this.captured,
      ranker: this.ranker,
      market: this.m,
    }
  }

  startRound(r: number): void {
    const { sellers } = this.m
    let entered = false
    for (let s = 0; s < sellers.count; s++) {
      if (sellers.joinRound[s] === r && r > 0) {
        sellers.active[s] = 1
        entered = true
      }
      sellers.budgetLeft[s] = sellers.active[s] ? sellers.adBudget[s] : 0
    }
    if (entered && this.rules.priceFirst) this.undercutOnEntry(r)
    this.syncListed()
    if (r === 0) this.out.startMeanDeclaredPrice = this.meanListedPrice()
    this.roundImpressions.fill(0)
    this.roundClicks.fill(0)
    this.roundOrders.fill(0)
    this.roundExposure.fill(0)
    this.roundMerit.fill(0)
    this.roundSellerExposure.fill(0)
    this.roundAdSpend.fill(0)
    this.roundProfit.fill(0)
    this.roundAdMargin.fill(0)
    this.round = {
      sellerExposure: this.roundSellerExposure,
      sellersActive: 0,
      gmv: 0,
      orders: 0,
      adRevenue: 0,
      sponsoredClicks: 0,
      impressions: 0,
      sponsoredImpressions: 0,
      topProducts: new Int32Array(0),
      revenueByArchetype: new Float64Array(ARCHETYPES.length),
      meanDeclaredPrice: 0,
    }
  }

  runSession(r: number, capture: boolean): void {
    const m = this.m
    const rng = this.sessionRng
    // Both draws happen for every plugin so all plugins see the same sequence of visits.
    const buyer = Math.floor(rng() * m.buyers.count)
    const searched = drawIndex(rng, this.popularity)
    const feedOffset = rng()
    const session = this.session
    session.round = r
    session.buyer = buyer
    session.category = session.kind === 'search' ? searched : -1
    const n = session.kind === 'search' ? this.retrieveSearch(buyer, searched) : this.retrieveFeed(buyer, feedOffset)
    session.n = n
    this.out.sessions++
    if (n === 0) return
    this.out.rankedSessions++
    if (capture) this.captured.push({ kind: session.kind, buyer, category: session.category, round: r, candidates: this.candidates.slice(0, n), relevance: this.relevance.slice(0, n) })

    const slots = this.slots
    slots.clear()
    this.ranker.rank(session, slots)
    const problem = slotsError(slots, this.k, this.m.products.count, this.candidateIndexOf)
    if (problem) throw new PluginOutputError(`plugin "${this.pluginName}" returned bad slots in round ${r}: ${problem}`)
    for (let i = 0; i < slots.count; i++) this.slotRelevance[i] = this.relevance[this.candidateIndexOf(slots.products[i])]
    const refPrice = m.categories.refPrice[session.kind === 'search' ? searched : m.buyers.favourites[buyer * BUYER_FAVOURITES]]
    this.buyerVisit(buyer, refPrice)
    this.scoreSession(n)
  }

  /** The product's index among this session's candidates, or -1. */
  private readonly candidateIndexOf = (product: number): number => {
    const index = this.candidateKey[product] - this.stamp * KEY_SPAN
    return index >= 0 && index < KEY_SPAN ? index : -1
  }

  /** products.listed (what plugins read) from seller activity, and the compact listed index retrieval scans. */
  private syncListed(): void {
    const { products, sellers, categories } = this.m
    for (let i = 0; i < products.count; i++) products.listed[i] = sellers.active[products.seller[i]]
    let n = 0
    for (let c = 0; c < categories.count; c++) {
      this.listedStart[c] = n
      for (let j = categories.start[c]; j < categories.start[c + 1]; j++) {
        const p = categories.products[j]
        if (!products.listed[p]) continue
        this.listedProducts[n] = p
        this.listedQuality[n] = products.quality[p]
        this.listedTopic.set(products.topic.subarray(p * TOPIC_DIMS, (p + 1) * TOPIC_DIMS), n * TOPIC_DIMS)
        n++
      }
    }
    this.listedStart[categories.count] = n
  }

  /** Search: the listed products of the category, relevance = cosine to the query (category + the buyer's taste). */
  private retrieveSearch(buyer: number, category: number): number {
    const { categories, buyers } = this.m
    const q = this.query
    let norm = 0
    for (let d = 0; d < TOPIC_DIMS; d++) {
      q[d] = categories.centroid[category * TOPIC_DIMS + d] + 0.5 * buyers.interest[buyer * TOPIC_DIMS + d]
      norm += q[d] * q[d]
    }
    norm = Math.sqrt(norm)
    for (let d = 0; d < TOPIC_DIMS; d++) q[d] /= norm
    this.stamp++
    this.totalGain = 0
    return this.collect(category, 0, -1)
  }

  /**
   * Feed: no query. Candidate generation takes, from each of the buyer's favourite categories, a
   * window of up to feedPoolPerCategory products starting at a random offset (wrapping), so every
   * product is equally likely to be in a pool; relevance = cosine to the buyer's interests.
   */
  private retrieveFeed(buyer: number, offset: number): number {
    const { buyers } = this.m
    for (let d = 0; d < TOPIC_DIMS; d++) this.query[d] = buyers.interest[buyer * TOPIC_DIMS + d]
    this.stamp++
    this.totalGain = 0
    let n = 0
    for (let f = 0; f < BUYER_FAVOURITES; f++) {
      const c = buyers.favourites[buyer * BUYER_FAVOURITES + f]
      let repeated = false
      for (let g = 0; g < f; g++) if (buyers.favourites[buyer * BUYER_FAVOURITES + g] === c) repeated = true
      if (!repeated) n = this.collect(c, n, offset)
    }
    return n
  }

  /**
   * Appends the listed products of a category to the candidate buffers, marking them for
   * validation, and records each one's gain (relevance × true quality) for NDCG and merit.
   */
  private collect(category: number, n: number, windowOffset: number): number {
    const q = this.query
    const q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7]
    const topic = this.listedTopic
    const quality = this.listedQuality
    const listedProducts = this.listedProducts
    const candidates = this.candidates
    const relevance = this.relevance
    const gains = this.gains
    const key = this.candidateKey
    const keyBase = this.stamp * KEY_SPAN
    let totalGain = 0
    const first = this.listedStart[category]
    const size = this.listedStart[category + 1] - first
    // A search takes the whole category; a feed window takes up to feedPoolPerCategory from a random start, wrapping.
    const take = windowOffset < 0 ? size : Math.min(size, this.p.feedPoolPerCategory)
    const skip = windowOffset < 0 ? 0 : Math.floor(windowOffset * size)
    for (let t = 0; t < take; t++) {
      let j = first + skip + t
      if (j >= first + size) j -= size
      const o = j * 8 // TOPIC_DIMS, unrolled below
      const dot = topic[o] * q0 + topic[o + 1] * q1 + topic[o + 2] * q2 + topic[o + 3] * q3 + topic[o + 4] * q4 + topic[o + 5] * q5 + topic[o + 6] * q6 + topic[o + 7] * q7
      const rel = dot > 0 ? dot : 0
      const gain = rel * quality[j]
      const p = listedProducts[j]
      candidates[n] = p
      relevance[n] = rel
      gains[n] = gain
      key[p] = keyBase + n
      totalGain += gain
      n++
    }
    this.totalGain += totalGain
    return n
  }

  /**
   * The buyer examines slots with position bias, clicks by a logit on relevance, rating, price
   * (and video quality in feeds), then buys at most one clicked item or nothing (multinomial logit
   * with an outside option). Formulas: bench/METRICS.md § buyer model.
   */
  private buyerVisit(buyer: number, sessionRefPrice: number): void {
    const m = this.m
    const { products, sellers, categories } = m
    const bp = this.p.buyer
    const rng = this.buyerRng
    const slots = this.slots
    const exam = this.exam
    const round = this.round!
    const feed = this.session.kind === 'feed'
    const markup = this.rules.retailMarkup
    let clicked = 0
    for (let r = 0; r < slots.count; r++) {
      const p = slots.products[r]
      const seller = products.seller[p]
      const w = exam[r]
      const sponsored = slots.cpc[r] > 0
      this.roundExposure[p] += w
      this.roundSellerExposure[seller] += w
      this.roundImpressions[p]++
      round.impressions++
      if (sponsored) round.sponsoredImpressions++
      if (rng() >= w) continue
      const ref = categories.refPrice[products.category[p]]
      const ratingQ = (averageRating(products.reviews[p], products.ratingSum[p]) - 1) / 4
      let z = bp.clickBase + bp.clickRelevance * this.slotRelevance[r] + bp.clickRating * (ratingQ - 0.5) - bp.clickPrice * Math.log((products.price[p] * markup) / ref)
      if (feed) z += bp.clickContent * (sellers.contentSkill[seller] - 0.5)
      if (rng() >= 1 / (1 + Math.exp(-z))) continue
      this.roundClicks[p]++
      if (sponsored) {
        const cpc = slots.cpc[r]
        sellers.budgetLeft[seller] -= cpc
        this.roundAdSpend[seller] += cpc
        round.adRevenue += cpc
        round.sponsoredClicks++
      }
      this.clickedRating[clicked] = ratingQ
      this.clickedSlot[clicked++] = r
    }
    if (clicked === 0) return

    // Choice among clicked items and the outside option.
    const priceWeight = m.buyers.priceSensitivity[buyer]
    const deliveryCost = bp.deliveryCostPerDay * m.buyers.deliverySensitivity[buyer]
    let bestSlot = -1
    let bestNet = sessionRefPrice * (bp.outsideValue + bp.choiceNoise * gumbel(rng))
    for (let i = 0; i < clicked; i++) {
      const r = this.clickedSlot[i]
      const p = slots.products[r]
      const ref = categories.refPrice[products.category[p]]
      // Buyers judge quality half from the product page (true quality) and half from the rating.
      const perceived = 0.5 * products.quality[p] + 0.5 * this.clickedRating[i]
      const value = ref * bp.valueScale * perceived * (0.5 + 0.5 * this.slotRelevance[r])
      const seller = products.seller[p]
      const days = this.rules.deliveryDays(sellers.deliveryDays[seller], sellers.origin[seller] === 1)
      const net = value - priceWeight * products.price[p] * markup - deliveryCost * ref * days + bp.choiceNoise * ref * gumbel(rng)
      if (net > bestNet) {
        bestNet = net
        bestSlot = r
      }
    }
    if (bestSlot < 0) return
    this.purchase(slots.products[bestSlot], this.slotRelevance[bestSlot], slots.cpc[bestSlot] > 0, rng)
  }

  private purchase(p: number, relevance: number, viaAd: boolean, rng: Rng): void {
    const { products, sellers, categories } = this.m
    const seller = products.seller[p]
    const category = products.category[p]
    const ref = categories.refPrice[category]
    const declared = products.price[p]
    const retail = declared * this.rules.retailMarkup
    const referral = this.rules.referralRate(DEPARTMENTS[categories.department[category]], retail) * retail
    const local = sellers.origin[seller] === 1
    const fulfilment = this.rules.fulfilmentFee(products.weightLb[p], local)
    const days = this.rules.deliveryDays(sellers.deliveryDays[seller], local)
    const margin = declared - referral - fulfilment - products.unitCost[p]
    const round = this.round!
    this.roundOrders[p]++
    round.orders++
    round.gmv += retail
    this.out.commission += referral + (retail - declared)
    this.out.fulfilmentFees += fulfilment
    this.out.deliveryDaysSum += days
    this.sellers.revenue[seller] += declared
    round.revenueByArchetype[sellers.archetype[seller]] += declared
    this.sellers.fees[seller] += referral + fulfilment
    this.roundProfit[seller] += margin
    if (viaAd) this.roundAdMargin[seller] += margin
    // Surplus uses true quality: what the buyer really gets, minus what they paid and waited.
    const trueValue = ref * this.p.buyer.valueScale * products.quality[p] * (0.5 + 0.5 * relevance)
    this.out.surplusSum += trueValue - retail - this.p.buyer.deliveryCostPerDay * ref * days
    if (rng() < this.p.reviewRate) {
      const stars = Math.min(5, Math.max(1, Math.round(1 + 4 * products.quality[p] + 0.7 * normal(rng))))
      products.reviews[p]++
      products.ratingSum[p] += stars
    }
  }

  /** NDCG@10 against the session's ideal order, and each candidate's merit share of the session's exposure. */
  private scoreSession(n: number): void {
    const { products } = this.m
    const gains = this.gains
    const slots = this.slots
    const exam = this.exam
    let dcg = 0
    let sessionExposure = 0
    for (let r = 0; r < slots.count; r++) {
      sessionExposure += exam[r]
      if (r < NDCG_DEPTH) {
        const p = slots.products[r]
        dcg += exam[r] * this.slotRelevance[r] * products.quality[p]
      }
    }
    const ideal = topK(gains, n, NDCG_DEPTH, this.idealOrder)
    let idcg = 0
    for (let r = 0; r < ideal; r++) idcg += exam[r] * gains[this.idealOrder[r]]
    if (idcg > 0) this.out.ndcgSum += dcg / idcg
    if (this.totalGain > 0) {
      const scale = sessionExposure / this.totalGain
      const merit = this.roundMerit
      const candidates = this.candidates
      for (let i = 0; i < n; i++) merit[candidates[i]] += gains[i] * scale
    }
  }

  private endRound(r: number): void {
    const { products, sellers, categories } = this.m
    const round = this.round!
    const decay = this.p.velocityDecay
    for (let i = 0; i < products.count; i++) {
      const orders = this.roundOrders[i]
      products.impressions[i] += this.roundImpressions[i]
      products.clicks[i] += this.roundClicks[i]
      products.exposure[i] += this.roundExposure[i]
      products.sales[i] += orders
      products.salesVelocity[i] = decay * products.salesVelocity[i] + orders
      const s = products.seller[i]
      this.sellers.impressions[s] += this.roundImpressions[i]
      this.sellers.clicks[s] += this.roundClicks[i]
      this.sellers.orders[s] += orders
      this.sellers.merit[s] += this.roundMerit[i]
    }
    this.tallyListingOutcomes()
    round.topProducts = this.topProductsByCategory()
    this.ranker.observe?.({ round: r, impressions: this.roundImpressions, clicks: this.roundClicks, orders: this.roundOrders, exposure: this.roundExposure, sellerAdSpend: this.roundAdSpend })

    // Seller accounts, exit after sustained losses, bid adaptation.
    const window = this.p.exitWindow
    for (let s = 0; s < sellers.count; s++) {
      this.sellers.exposure[s] += this.roundSellerExposure[s]
      this.sellers.adSpend[s] += this.roundAdSpend[s]
      if (!sellers.active[s]) continue
      const profit = this.roundProfit[s] - this.roundAdSpend[s] - this.p.overheadPerStore * sellers.stores[s]
      this.sellers.profit[s] += profit
      this.profitHistory[s * window + (r % window)] = profit
      // Judged on its last min(window, age) rounds (the ring buffer is zero before joining), once it has been in for exitMinAge.
      if (r - sellers.joinRound[s] + 1 >= this.p.exitMinAge) {
        let recent = 0
        for (let j = 0; j < window; j++) recent += this.profitHistory[s * window + j]
        if (recent < 0) sellers.active[s] = 0
      }
      if (sellers.adBudget[s] > 0) this.adaptBid(s)
    }
    this.syncListed()
    for (let i = 0; i < products.count; i++) {
      const s = products.seller[i]
      if (sellers.adBudget[s] > 0) products.bid[i] = sellers.bidLevel[s] * categories.baseBid[products.category[i]]
    }
    if (this.rules.priceFirst) this.cutPrices()

    let active = 0
    for (let s = 0; s < sellers.count; s++) active += sellers.active[s]
    round.sellersActive = active
    round.meanDeclaredPrice = this.meanListedPrice()
    this.out.orders += round.orders
    this.out.gmv += round.gmv
    this.out.adRevenue += round.adRevenue
    this.out.sponsoredClicks += round.sponsoredClicks
    this.out.impressions += round.impressions
    this.out.sponsoredImpressions += round.sponsoredImpressions
    round.sellerExposure = this.roundSellerExposure.slice()
    this.rounds.push(round)
  }

  /**
   * An advertiser raises its bid when its ad spend stayed below (1 + adLossTolerance) × the margin
   * its ads earned, and lowers it otherwise; one that won no click at all climbs back towards its
   * normal level (1) but no further, as only returns justify outbidding others. Profitable bidders
   * chasing the same slots thus push the clearing CPC up (F8, seed 000).
   */
  private adaptBid(s: number): void {
    const sellers = this.m.sellers
    const spend = this.roundAdSpend[s]
    const step = this.p.bidStep
    const level = sellers.bidLevel[s]
    const next = spend === 0 ? (level < 1 ? Math.min(1, level * (1 + step)) : level) : level * (this.roundAdMargin[s] * (1 + this.p.adLossTolerance) > spend ? 1 + step : 1 - step)
    sellers.bidLevel[s] = Math.min(MAX_BID_LEVEL, Math.max(0.05, next))
  }

  /**
   * Price-first platforms: within each identical-product group, every listed offer that is not the
   * cheapest cuts its declared price by priceCutStep, down to its floor. Factories, with lower costs
   * and margins, can go lowest (fact F5, seed 000).
   */
  private cutPrices(): void {
    const { products } = this.m
    const step = this.p.priceCutStep
    for (let g = 0; g + 1 < this.groupStart.length; g++) {
      const cheapest = this.cheapestListedPrice(g)
      for (let j = this.groupStart[g]; j < this.groupStart[g + 1]; j++) {
        const i = this.groupOffers[j]
        if (!products.listed[i] || products.price[i] <= cheapest) continue
        products.price[i] = Math.max(this.priceFloor(i), Math.min(products.price[i], Math.round(products.price[i] * (1 - step) * 100) / 100))
      }
    }
  }

  /**
   * This round's exposure of listings cheaper elsewhere, impressions outside Haul's box, and how
   * much of each contested identical-product group's exposure its cheapest offer took (prices as
   * they stood during the round, before any cut).
   */
  private tallyListingOutcomes(): void {
    const { products } = this.m
    const markup = this.rules.retailMarkup
    const out = this.out
    for (let i = 0; i < products.count; i++) {
      const e = this.roundExposure[i]
      const retail = products.price[i] * markup
      out.exposure += e
      if (products.priceElsewhere[i] < retail) out.flaggedExposure += e
      if (retail >= HAUL_MAX_PRICE || products.weightLb[i] >= HAUL_MAX_WEIGHT_LB) out.outsideHaulBoxImpressions += this.roundImpressions[i]
    }
    for (let g = 0; g + 1 < this.groupStart.length; g++) {
      let offers = 0
      let cheapest = -1
      let groupExposure = 0
      for (let j = this.groupStart[g]; j < this.groupStart[g + 1]; j++) {
        const i = this.groupOffers[j]
        if (!products.listed[i]) continue
        offers++
        groupExposure += this.roundExposure[i]
        if (cheapest < 0 || products.price[i] < products.price[cheapest]) cheapest = i
      }
      if (offers < 2 || groupExposure === 0) continue
      out.cheapestOfferExposure += this.roundExposure[cheapest]
      out.contestedGroupExposure += groupExposure
    }
  }

  /**
   * Price-first platforms: a seller entering this round declares, for each offer, just under the
   * cheapest offer already listed in its group (one priceCutStep below it), never under its own
   * floor. Entrants come to win on price (seed 000: competitors pour in and supply prices fall).
   */
  private undercutOnEntry(r: number): void {
    const { products, sellers } = this.m
    const step = this.p.priceCutStep
    for (let g = 0; g + 1 < this.groupStart.length; g++) {
      const cheapest = this.cheapestListedPrice(g)
      if (cheapest === Infinity) continue
      for (let j = this.groupStart[g]; j < this.groupStart[g + 1]; j++) {
        const i = this.groupOffers[j]
        if (sellers.joinRound[products.seller[i]] !== r) continue
        const target = Math.round(cheapest * (1 - step) * 100) / 100
        products.price[i] = Math.max(this.priceFloor(i), Math.min(products.price[i], target))
      }
    }
  }

  /** The lowest declared price among a group's listed offers (Infinity when none is listed). */
  private cheapestListedPrice(g: number): number {
    const { products } = this.m
    let cheapest = Infinity
    for (let j = this.groupStart[g]; j < this.groupStart[g + 1]; j++) {
      const i = this.groupOffers[j]
      if (products.listed[i] && products.price[i] < cheapest) cheapest = products.price[i]
    }
    return cheapest
  }

  /**
   * The lowest declared price an offer's seller accepts on this platform: what covers unit cost with
   * its archetype's minimum margin plus the platform's fulfilment fee, after the referral fee:
   * (unit cost × (1 + margin) + fulfilment) / (1 − referral rate at the current retail price).
   */
  private priceFloor(i: number): number {
    const { products, sellers, categories } = this.m
    const seller = products.seller[i]
    const department = DEPARTMENTS[categories.department[products.category[i]]]
    const referral = this.rules.referralRate(department, products.price[i] * this.rules.retailMarkup) * this.rules.retailMarkup
    const cover = products.unitCost[i] * (1 + this.p.minMargin[ARCHETYPES[sellers.archetype[seller]]]) + this.rules.fulfilmentFee(products.weightLb[i], sellers.origin[seller] === 1)
    return cover / Math.max(0.05, 1 - referral)
  }

  /**
   * Sellers list no offer below its floor on this platform: they price in its fees (seed 000:
   * Amazon's costs raise its prices). Done once, before the plugin first sees the market.
   */
  private priceInFees(): void {
    const { products } = this.m
    for (let i = 0; i < products.count; i++) {
      const floor = this.priceFloor(i)
      if (products.price[i] >= floor) continue
      const raised = Math.ceil(floor * 100) / 100
      // The seller's prices move together: its price on other platforms keeps its ratio to this one.
      products.priceElsewhere[i] = Math.round(products.priceElsewhere[i] * (raised / products.price[i]) * 100) / 100
      products.price[i] = raised
    }
  }

  private meanListedPrice(): number {
    const { products } = this.m
    let sum = 0
    let n = 0
    for (let i = 0; i < products.count; i++) {
      if (!products.listed[i]) continue
      sum += products.price[i]
      n++
    }
    return n > 0 ? sum / n : 0
  }

  private topProductsByCategory(): Int32Array {
    const { categories } = this.m
    const top = new Int32Array(categories.count * TOP_PER_CATEGORY).fill(-1)
    const order = new Int32Array(TOP_PER_CATEGORY)
    const scores = this.gains // free between sessions
    for (let c = 0; c < categories.count; c++) {
      const start = categories.start[c]
      const n = categories.start[c + 1] - start
      for (let j = 0; j < n; j++) {
        const e = this.roundExposure[categories.products[start + j]]
        scores[j] = e > 0 ? e : -Infinity
      }
      const got = topK(scores, n, TOP_PER_CATEGORY, order)
      for (let i = 0; i < got; i++) top[c * TOP_PER_CATEGORY + i] = categories.products[start + order[i]]
    }
    return top
  }
}

