import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import type { Row } from '../../core/csv.ts'
import { makeRng, poissonOne } from '../../core/rng.ts'
import type { ScannedLog } from '../log/measure.ts'
import { gini } from '../metrics/functions.ts'
import { sampleVariance } from '../report/stats.ts'
import type { CalibratedBuyer } from './click-model.ts'

export const VALIDATION_COLUMNS = [
  'quantity',
  'key',
  'logged',
  'simulated',
  'ci_low',
  'ci_high',
  'outside',
  'n',
] as const

/** validation.csv's quantities: key and definition (bench/METRICS.md renders this table). */
export const VALIDATION_QUANTITIES = {
  click_rate: ['position k', 'clicks / impressions at position k'],
  clicks_per_session: ['blank', 'clicks / sessions'],
  conversion: ['blank', 'orders / clicks'],
  conversion_rate: ['blank', 'orders / sessions'],
  gini_exposure: [
    'blank',
    'Gini of seller exposure under the fitted curve (equal on both sides by construction: the same slates)',
  ],
  gini_revenue: ['blank', 'Gini of seller revenue (logged prices paid; simulated: expected value bought)'],
  seller_click_share: [
    'seller',
    "the seller's share of clicks, for the 10 sellers most clicked in the held-out rounds",
  ],
} as const
type ValidationQuantity = keyof typeof VALIDATION_QUANTITIES

/** Sellers named one by one in validation.csv: the most clicked in the held-out rounds. */
const TOP_SELLERS = 10
/** Per-seller bootstrap tallies are kept only while sellers × replicates stays below this (memory). */
const MAX_SELLER_CELLS = 4_000_000

export interface Calibrated {
  buyer: CalibratedBuyer
  /** A log product's catalog index, by the log's numbering. */
  toCatalog: Int32Array
  /** Each catalog product's seller. */
  seller: Int32Array
  sellers: number
  sellerId: (s: number) => string
  price: Float64Array
}

/**
 * --holdout: the held-out rounds' sessions replayed in their logged order through the buyer fitted
 * on the other rounds, side by side with what was logged. Each logged value has a 95% interval from
 * a seeded Poisson bootstrap over the held-out sessions; `outside` marks a simulated value outside
 * it (the fit's own uncertainty is not added: a conservative reading). The replay is the model's
 * expectation for each logged slate (clicks Σ examination · attractiveness; orders Σ P(click) ·
 * conversion), so it has no simulation noise of its own.
 */
export function validateHoldout(
  scanned: ScannedLog,
  calibrated: Calibrated,
  heldOut: ReadonlySet<number>,
  bootstrap: number,
  seed: number,
): Row[] {
  const { buyer, toCatalog, seller } = calibrated
  const positions = Math.max(1, scanned.shape.maxPosition)
  const B = bootstrap + 1
  // Per replicate: sessions, clicks, orders, simulated clicks, simulated orders, exposure weight of sessions.
  const totals = Array.from({ length: B }, () => new Float64Array(5))
  const byPosition = Array.from({ length: B }, () => new Float64Array(3 * positions))
  const sellerReplicates = calibrated.sellers * B <= MAX_SELLER_CELLS ? B : 1
  // Per seller: exposure, logged revenue, simulated revenue, logged clicks, simulated clicks.
  const bySeller = Array.from({ length: sellerReplicates }, () => new Float64Array(5 * calibrated.sellers))
  const rng = makeRng(seed, 'validation-bootstrap')
  const w = new Float64Array(B)
  for (const s of scanned.spool.read()) {
    if (!heldOut.has(s.round)) continue
    w[0] = 1
    for (let b = 1; b < B; b++) w[b] = poissonOne(rng)
    for (let b = 0; b < B; b++) {
      const wb = w[b]
      if (wb === 0) continue
      const t = totals[b]
      const at = byPosition[b]
      const sel = b < sellerReplicates ? bySeller[b] : null
      t[0] += wb
      for (let i = 0; i < s.count; i++) {
        const a = toCatalog[s.product[i]]
        const k = s.position[i]
        const p = buyer.clickProbability(a, k)
        const c = s.clicked[i]
        t[1] += wb * c
        t[3] += wb * p
        t[4] += wb * p * buyer.conversion[a]
        at[3 * (k - 1)] += wb
        at[3 * (k - 1) + 1] += wb * c
        at[3 * (k - 1) + 2] += wb * p
        if (sel) {
          const x = 5 * seller[a]
          sel[x] += wb * buyer.examination[Math.min(buyer.examination.length - 1, k - 1)]
          sel[x + 2] += wb * p * buyer.conversion[a] * calibrated.price[a]
          sel[x + 3] += wb * c
          sel[x + 4] += wb * p
        }
      }
      if (s.purchasedSlot >= 0) {
        t[2] += wb
        if (sel) sel[5 * seller[toCatalog[s.product[s.purchasedSlot]]] + 1] += wb * s.price
      }
    }
  }
  const rows: Row[] = []
  /**
   * A quantity's logged and simulated values from replicate b's tallies, as [logged, simulated]; its interval is
   * logged ± z · the bootstrap standard error of logged − simulated (paired over the same resampled sessions).
   */
  const add = (
    quantity: ValidationQuantity,
    key: string,
    n: number,
    replicates: number,
    z: number,
    value: (b: number) => [number, number],
  ) => {
    const [logged, simulated] = value(0)
    if (!Number.isFinite(logged) || !Number.isFinite(simulated)) return
    const gaps = Array.from({ length: replicates - 1 }, (_, b) => {
      const [l, m] = value(b + 1)
      return l - m
    }).filter(Number.isFinite)
    const se = Math.sqrt(sampleVariance(gaps))
    // Every quantity here is a count or a share: an interval does not reach below 0.
    const [low, high] = Number.isNaN(se) ? [Number.NaN, Number.NaN] : [Math.max(0, logged - z * se), logged + z * se]
    const outside = Number.isNaN(se) ? '' : simulated < low || simulated > high ? 1 : 0
    rows.push({ quantity, key, logged, simulated, ci_low: low, ci_high: high, outside, n })
  }
  // Click rates by position are one family: their intervals hold together with 95% confidence (Bonferroni).
  const shown = byPosition[0].filter((_, i) => i % 3 === 0 && byPosition[0][i] > 0).length
  const zFamily = normalQuantile(1 - 0.025 / Math.max(1, shown), 0, 1)
  const z95 = normalQuantile(0.975, 0, 1)
  for (let k = 1; k <= positions; k++)
    add('click_rate', String(k), byPosition[0][3 * (k - 1)], B, zFamily, (b) => {
      const at = byPosition[b]
      const x = 3 * (k - 1)
      return [at[x + 1] / at[x], at[x + 2] / at[x]]
    })
  const t0 = totals[0]
  add('clicks_per_session', '', t0[0], B, z95, (b) => [totals[b][1] / totals[b][0], totals[b][3] / totals[b][0]])
  add('conversion', '', t0[1], B, z95, (b) => [totals[b][2] / totals[b][1], totals[b][4] / totals[b][3]])
  add('conversion_rate', '', t0[0], B, z95, (b) => [totals[b][2] / totals[b][0], totals[b][4] / totals[b][0]])
  const column = (b: number, c: number) =>
    Float64Array.from({ length: calibrated.sellers }, (_, s) => bySeller[b][5 * s + c])
  add('gini_exposure', '', calibrated.sellers, sellerReplicates, z95, (b) => [gini(column(b, 0)), gini(column(b, 0))])
  add('gini_revenue', '', calibrated.sellers, sellerReplicates, z95, (b) => [gini(column(b, 1)), gini(column(b, 2))])
  const clicks = column(0, 3)
  const top = Array.from(clicks.keys())
    .sort((a, b) => clicks[b] - clicks[a] || a - b)
    .slice(0, TOP_SELLERS)
  for (const s of top)
    add('seller_click_share', calibrated.sellerId(s), clicks[s], sellerReplicates, z95, (b) => {
      const sel = bySeller[b]
      return [sel[5 * s + 3] / totals[b][1], sel[5 * s + 4] / totals[b][3]]
    })
  return rows
}
