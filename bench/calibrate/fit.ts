import { makeRng, poissonOne } from '../../core/rng.ts'
import type { LogSpool } from '../log/spool.ts'
import type { LogTables } from '../log/tables.ts'
import { EM_MAX_ITERATIONS, EM_TOLERANCE, fitPbm, identifiability, type PbmFit, relativeExamination } from './pbm.ts'
import { PairIndex, Tally } from './tally.ts'

/** One row of fit.csv. */
export interface FitRow extends Record<string, string | number> {
  quantity: string
  key: string
  value: number
  std_error: number | ''
  n: number
}
export const FIT_COLUMNS = ['quantity', 'key', 'value', 'std_error', 'n'] as const

/**
 * A product's conversion is shrunk towards its category's by this many clicks' worth of prior (empirical Bayes;
 * an assumption): a product clicked twice and bought once is not taken to convert at 50%.
 */
export const CONVERSION_PRIOR_CLICKS = 10

/** fit.csv's quantities, in its order: what each is, its key, and its n (bench/METRICS.md renders this table). */
export const FIT_QUANTITIES = {
  examination: [
    'position k',
    'impressions at k',
    'γ_k / γ_1 of the position-based click model P(click) = γ_k · α_a, fitted by EM on impressions and clicks by ' +
      `(product, position); stops when no γ_k/γ_1 moves more than ${EM_TOLERANCE} (nor any γ_1·α_a more than ` +
      `${10 * EM_TOLERANCE}) in an iteration, or after ${EM_MAX_ITERATIONS}. Identified only through products ` +
      'shown at several positions (see the identification note).',
  ],
  click_rate: ['position k', 'impressions at k', 'Logged clicks / impressions at position k.'],
  fitted_click_rate: [
    'position k',
    'impressions at k',
    "γ_k · mean α of the products shown at k (impression-weighted): the model's click rate at k.",
  ],
  conversion: [
    'blank, or a category',
    'clicks',
    'P(purchase | click) = orders / clicks, overall and by session category (the category of its first product).',
  ],
  sessions_per_round: ['blank', 'rounds', 'Sessions / rounds fitted.'],
  category_share: ['category', 'sessions with a category', 'Sessions of the category / sessions with a category.'],
  sponsored_share: ['blank', 'impressions', 'Sponsored impressions / impressions.'],
  cpc: [
    'mean, p10, p50, p90',
    'sponsored clicks',
    'ad revenue / sponsored clicks, and quantiles of the CPC over sponsored clicks (from 400 log-spaced bins, ' +
      '$0.001–$1,000, interpolated within a bin: ±1.8%).',
  ],
  seller_entries: [
    'round',
    'sellers seen',
    'Sellers first shown in this round (rounds after the first; one first seen in the first round was there).',
  ],
  seller_exits: ['round', 'sellers seen', 'Sellers last shown in this round (rounds before the last).'],
  product_conversion: [
    'product',
    'clicks on it',
    `(orders_a + m · q_c) / (clicks_a + m), m = ${CONVERSION_PRIOR_CLICKS}: the product's conversion shrunk ` +
      `towards its category's q_c (empirical Bayes with m clicks of prior; an assumption).`,
  ],
  attractiveness: [
    'product',
    'impressions of it',
    "γ_1 · α_a: the product's click probability at a position examined as position 1.",
  ],
} as const

type FitQuantity = keyof typeof FIT_QUANTITIES

/** Share of impressions on products seen at several positions below which the curve is weakly identified. */
export const WEAK_IDENTIFICATION = 0.2

export interface Fit {
  rows: FitRow[]
  pbm: PbmFit
  /** γ relative to position 1, by position (index k − 1). */
  examination: Float64Array
  identification: ReturnType<typeof identifiability>
  /** The full log's tally (weights 1). */
  tally: Tally
  warnings: string[]
}

export interface FitOptions {
  /** Bootstrap replicates over sessions (0: no standard errors). */
  bootstrap: number
  seed: number
  /** The rounds whose sessions are fitted, in order: the log's (LogShape.rounds), or the fitting part of --holdout. */
  rounds: readonly number[]
}

/**
 * Fits the kit's traffic and click model to a scanned log: a pass numbers the (product, position)
 * pairs, a pass tallies the log, then each bootstrap replicate tallies it again with a Poisson(1)
 * weight per session (seeded: the same log and seed give the same errors) and refits. A standard
 * error is the replicates' standard deviation.
 */
export function fitLog(spool: LogSpool, tables: LogTables, maxPosition: number, o: FitOptions): Fit {
  const { rounds } = o
  const roundIndex = new Map(rounds.map((r, i) => [r, i]))
  const index = new PairIndex(maxPosition)
  for (const s of spool.read())
    if (roundIndex.has(s.round)) for (let i = 0; i < s.count; i++) index.add(tables.remap[s.product[i]], s.position[i])
  index.seal()
  const tallyWith = (weight: () => number) => {
    const t = new Tally(index, tables, rounds)
    for (const s of spool.read()) {
      const r = roundIndex.get(s.round)
      // Drawn for every session, in the log's order, so a replicate's weights do not depend on the rounds kept.
      const w = weight()
      if (r !== undefined) t.add(s, r, w)
    }
    return t
  }
  const tally = tallyWith(() => 1)
  const pbm = fitPbm(tally.pairs, { products: tables.products.count, positions: maxPosition })
  const rows = fitRows(tally, pbm, tables)
  const spread = new Spread()
  for (let b = 0; b < o.bootstrap; b++) {
    const rng = makeRng(o.seed, `calibrate-bootstrap-${b}`)
    const t = tallyWith(() => poissonOne(rng))
    const refit = fitPbm(t.pairs, { products: tables.products.count, positions: maxPosition, start: pbm })
    for (const r of fitRows(t, refit, tables)) spread.add(`${r.quantity}\u0000${r.key}`, r.value)
  }
  for (const row of rows) row.std_error = spread.standardDeviation(`${row.quantity}\u0000${row.key}`)
  const identification = identifiability(tally.pairs, tables.products.count, maxPosition)
  const warnings: string[] = []
  if (tally.clicks === 0)
    warnings.push(
      'the fitted rounds have no clicks: examination and attractiveness cannot be fitted from them (what fit.csv ' +
        'and scenario.json hold is where EM started), and there is no conversion to fit',
    )
  if (identification.impressionShare < WEAK_IDENTIFICATION || identification.linkedGroups > 1)
    warnings.push(
      `the examination curve is weakly identified: ${identification.productsAtSeveralPositions} products were ` +
        `shown at two or more positions (${(100 * identification.impressionShare).toFixed(1)}% of impressions), ` +
        `in ${identification.linkedGroups} group(s) of linked positions. The fit then assumes that what is shown ` +
        "lower is not less attractive in itself, so the curve also carries the ranker's ordering; a log with " +
        'randomized or varied positions (market.shuffleSlates, an interleaving experiment) fixes it',
    )
  return { rows, pbm, examination: relativeExamination(pbm), identification, tally, warnings }
}

/** Each quantity's spread over the replicates, kept as running moments (Welford): one entry per quantity. */
class Spread {
  private readonly moments = new Map<string, { n: number; mean: number; m2: number }>()

  add(key: string, value: number): void {
    let m = this.moments.get(key)
    if (!m) {
      m = { n: 0, mean: 0, m2: 0 }
      this.moments.set(key, m)
    }
    m.n++
    const delta = value - m.mean
    m.mean += delta / m.n
    m.m2 += delta * (value - m.mean)
  }

  /** The replicates' sample standard deviation; blank with fewer than two. */
  standardDeviation(key: string): number | '' {
    const m = this.moments.get(key)
    return m && m.n >= 2 ? Math.sqrt(m.m2 / (m.n - 1)) : ''
  }
}

/** The fitted quantities of one tally, in fit.csv's order (std_error filled in later). */
function fitRows(t: Tally, pbm: PbmFit, tables: LogTables): FitRow[] {
  const rows: FitRow[] = []
  const add = (quantity: FitQuantity, key: string | number, value: number, n: number) => {
    if (Number.isFinite(value)) rows.push({ quantity, key: String(key), value, std_error: '', n })
  }
  const relative = relativeExamination(pbm)
  // What the fitted model predicts at each position: γ_k times the mean α of what was shown there.
  const shownAttractiveness = new Float64Array(relative.length)
  for (let i = 0; i < t.pairs.product.length; i++)
    if (t.pairs.impressions[i] > 0)
      shownAttractiveness[t.pairs.position[i] - 1] += t.pairs.impressions[i] * pbm.attractiveness[t.pairs.product[i]]
  for (let k = 0; k < relative.length; k++) add('examination', k + 1, relative[k], t.positionImpressions[k])
  for (let k = 0; k < relative.length; k++)
    add('click_rate', k + 1, t.positionClicks[k] / t.positionImpressions[k], t.positionImpressions[k])
  for (let k = 0; k < relative.length; k++)
    add(
      'fitted_click_rate',
      k + 1,
      (pbm.examination[k] * shownAttractiveness[k]) / t.positionImpressions[k],
      t.positionImpressions[k],
    )
  add('conversion', '', t.orders / t.clicks, t.clicks)
  const names = tables.categories.name
  for (let c = 0; c < names.length; c++)
    add('conversion', names[c], t.categoryOrders[c] / t.categoryClicks[c], t.categoryClicks[c])
  add('sessions_per_round', '', t.sessions / t.rounds.length, t.rounds.length)
  const known = t.sessions - t.categorySessions[names.length]
  for (let c = 0; c < names.length; c++) add('category_share', names[c], t.categorySessions[c] / known, known)
  add('sponsored_share', '', t.sponsoredImpressions / t.impressions, t.impressions)
  add('cpc', 'mean', t.adRevenue / t.sponsoredClicks, t.sponsoredClicks)
  for (const q of [0.1, 0.5, 0.9]) add('cpc', `p${q * 100}`, t.cpcQuantile(q), t.sponsoredClicks)
  const last = t.rounds.length - 1
  const entries = new Float64Array(t.rounds.length)
  const exits = new Float64Array(t.rounds.length)
  let seen = 0
  for (let s = 0; s < t.firstRound.length; s++)
    if (t.firstRound[s] >= 0) {
      seen++
      entries[t.firstRound[s]]++
      exits[t.lastRound[s]]++
    }
  // A seller first seen in the first round was there before the log began; one last seen in the last may stay.
  for (let r = 1; r <= last; r++) add('seller_entries', t.rounds[r], entries[r], seen)
  for (let r = 0; r < last; r++) add('seller_exits', t.rounds[r], exits[r], seen)
  for (let a = 0; a < t.productClicks.length; a++) {
    if (t.productClicks[a] <= 0) continue
    const c = tables.products.category[a]
    const prior = c >= 0 && t.categoryClicks[c] > 0 ? t.categoryOrders[c] / t.categoryClicks[c] : t.orders / t.clicks
    const shrunk =
      (t.productOrders[a] + CONVERSION_PRIOR_CLICKS * prior) / (t.productClicks[a] + CONVERSION_PRIOR_CLICKS)
    add('product_conversion', tables.products.id.at(a)!, shrunk, t.productClicks[a])
  }
  // α on the scale of the relative curve: P(click at k) = examination_k · attractiveness.
  const scale =
    pbm.examination[
      Math.max(
        0,
        relative.findIndex((g) => !Number.isNaN(g)),
      )
    ]
  const productImpressions = new Float64Array(pbm.attractiveness.length)
  for (let i = 0; i < t.pairs.product.length; i++) productImpressions[t.pairs.product[i]] += t.pairs.impressions[i]
  for (let a = 0; a < pbm.attractiveness.length; a++)
    add('attractiveness', tables.products.id.at(a)!, pbm.attractiveness[a] * scale, productImpressions[a])
  return rows
}
