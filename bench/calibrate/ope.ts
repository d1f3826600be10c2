import { makeRng, poissonOne, type Rng } from '../../core/rng.ts'
import type { LoggedSession } from '../log/sessions.ts'

/** The outcomes estimated off-policy, in ope.csv's order. */
export const OPE_METRICS = ['clicks_per_session', 'conversion_rate', 'gmv'] as const
export const OPE_COLUMNS = ['algorithm', 'variant', 'metric', 'estimator', 'value', 'ci_low', 'ci_high', 'n'] as const
const M = OPE_METRICS.length

/** Each estimator: its formula and what it assumes (bench/METRICS.md renders this table). */
export const OPE_ESTIMATORS = {
  dm: [
    "Σ_k P(click a_k at k) · outcome under the calibrated buyer, for the plugin's slate a_1 … a_n: clicks Σ p, " +
      'orders Σ p · q, gmv Σ p · q · price (the cap min(1, ·) left out: an upper bound where it binds)',
    "the calibrated click model is right (no variance from the log's clicks, bias from the model)",
  ],
  iips: [
    'Σ over logged impressions of w · outcome (clicked; purchased; purchased × price)',
    "each item's outcome depends only on the item and its position (Li et al. 2018); unbiased then, for " +
      'clicks under the position-based model; purchases depend on the other clicked items, so their estimate ' +
      'is approximate',
  ],
  snips: [
    'Σ_k (Σ_s w_sk · outcome_sk / Σ_s w_sk) · (sessions that filled k / sessions): iips with the weights ' +
      'normalised by their mean at each position',
    'as iips, and that the plugin fills every position the log filled; trades a small bias for less variance',
  ],
} as const

/**
 * Off-policy estimates of a plugin's clicks per session, conversion rate and GMV on logged sessions
 * (Li et al., "Offline Evaluation of Ranking Policies with Click Models", KDD 2018; Open Bandit
 * Pipeline's slate estimators, Saito et al. 2021), with 95% intervals from a seeded Poisson
 * bootstrap over sessions, kept as running sums (memory flat in the log's length):
 * - dm: the calibrated click model's expectation for the plugin's slate;
 * - iips: independent-item IPS, Σ over logged impressions of w · outcome, per session;
 * - snips: iips with the weights normalised by their mean at each position.
 * Definitions and assumptions: bench/METRICS.md § off-policy estimates. The same seed draws the
 * same session weights for every plugin, so their intervals are paired.
 */
export class OpeEstimates {
  private readonly replicates: number
  /** Per replicate b (b = 0 is the log itself): sessions, dm and iips sums, then per position k the snips sums. */
  private readonly sums: Float64Array
  private readonly width: number
  private readonly positions: number
  private readonly rng: Rng
  private readonly weights: Float64Array

  constructor(bootstrap: number, positions: number, seed: number) {
    this.replicates = bootstrap + 1
    this.positions = positions
    // sessions, dm × M, iips × M, then per position: sessions that filled it, Σw, Σw·outcome × M.
    this.width = 1 + 2 * M + positions * (2 + M)
    this.sums = new Float64Array(this.replicates * this.width)
    this.rng = makeRng(seed, 'ope-bootstrap')
    this.weights = new Float64Array(this.replicates)
  }

  /**
   * One session: the direct method's expectations for the plugin's slate, and the logged session with
   * each of its impressions' importance weight for the plugin. Called for every session in the log's order.
   */
  session(dm: { clicks: number; order: number; value: number }, s: LoggedSession, weight: Float64Array): void {
    const w = this.weights
    w[0] = 1
    for (let b = 1; b < this.replicates; b++) w[b] = poissonOne(this.rng)
    let clicks = 0
    for (let i = 0; i < s.count; i++) clicks += weight[i] * s.clicked[i]
    const bought = s.purchasedSlot
    const orders = bought >= 0 ? weight[bought] : 0
    const iips = [clicks, orders, orders * s.price]
    const expected = [dm.clicks, dm.order, dm.value]
    const { sums, width } = this
    for (let b = 0; b < this.replicates; b++) {
      const wb = w[b]
      if (wb === 0) continue
      const at = b * width
      sums[at] += wb
      for (let m = 0; m < M; m++) {
        sums[at + 1 + m] += wb * expected[m]
        sums[at + 1 + M + m] += wb * iips[m]
      }
      for (let k = 1; k <= Math.min(s.count, this.positions); k++) sums[this.slot(at, k)] += wb
      for (let i = 0; i < s.count; i++) {
        if (weight[i] === 0 || s.position[i] > this.positions) continue
        const slot = this.slot(at, s.position[i])
        const ww = wb * weight[i]
        sums[slot + 1] += ww
        sums[slot + 2] += ww * s.clicked[i]
        if (i === bought) {
          sums[slot + 3] += ww
          sums[slot + 4] += ww * s.price
        }
      }
    }
  }

  private slot(at: number, k: number): number {
    return at + 1 + 2 * M + (k - 1) * (2 + M)
  }

  /** Replicate b's estimate of every metric by every estimator: [estimator][metric]; gmv per session. */
  private estimate(b: number): Record<'dm' | 'iips' | 'snips', number[]> {
    const at = b * this.width
    const n = this.sums[at]
    const dm = Array.from({ length: M }, (_, m) => this.sums[at + 1 + m] / n)
    const iips = Array.from({ length: M }, (_, m) => this.sums[at + 1 + M + m] / n)
    const snips = [0, 0, 0]
    for (let k = 1; k <= this.positions; k++) {
      const s = this.slot(at, k)
      const weight = this.sums[s + 1]
      // Position k's weighted outcome, normalised by its mean weight, for the share of sessions that fill it.
      if (weight > 0) for (let m = 0; m < M; m++) snips[m] += (this.sums[s + 2 + m] / weight) * (this.sums[s] / n)
    }
    return { dm, iips, snips }
  }

  /**
   * Each estimator's value and 95% percentile interval per metric; gmv scaled from per session to the
   * log's sessions.
   */
  results(sessions: number): { metric: string; estimator: string; value: number; low: number; high: number }[] {
    const point = this.estimate(0)
    const draws = Array.from({ length: this.replicates - 1 }, (_, i) => this.estimate(i + 1))
    const out = []
    for (const estimator of ['dm', 'iips', 'snips'] as const)
      for (let m = 0; m < M; m++) {
        const scale = OPE_METRICS[m] === 'gmv' ? sessions : 1
        const values = draws
          .map((d) => d[estimator][m])
          .filter(Number.isFinite)
          .sort((a, b) => a - b)
        out.push({
          metric: OPE_METRICS[m],
          estimator,
          value: point[estimator][m] * scale,
          low: percentile(values, 0.025) * scale,
          high: percentile(values, 0.975) * scale,
        })
      }
    return out
  }
}

/** The q-quantile of sorted values, interpolated linearly (NaN for none). */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN
  const at = q * (sorted.length - 1)
  const lo = Math.floor(at)
  return sorted[lo] + (at - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo])
}
