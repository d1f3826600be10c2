import type { ExitParams } from '../params.ts'
import type { SellerForceFactory } from './force.ts'

/**
 * A seller's belief about its profit per round (dollars, net of its fixed costs): an exponentially
 * weighted mean of its profits that starts from a break-even prior, and Holt's trend of that mean.
 */
export interface Belief {
  /** priorRounds × outside option × memory^age + Σ memory^(rounds ago) × profit. */
  sum: number
  /** priorRounds × memory^age + Σ memory^(rounds ago). */
  weight: number
  /** The estimate of next round's profit: sum / weight. */
  level: number
  /** The estimate's trend per round (Holt 1957): β × its latest change + (1 − β) × the previous trend. */
  trend: number
}

/**
 * Before any evidence a seller believes that staying is worth exactly its outside option: it entered,
 * or stayed until round 0, so it expected at least that (free entry, Hopenhayn 1992). The prior
 * counts as priorRounds rounds of evidence, so a few empty days do not make a seller leave.
 */
export function priorBelief(p: ExitParams, outside: number): Belief {
  return { sum: p.priorRounds * outside, weight: p.priorRounds, level: outside, trend: 0 }
}

/** The belief after one more round's profit. */
export function updateBelief(b: Belief, profit: number, p: ExitParams): Belief {
  const sum = p.memory * b.sum + profit
  const weight = p.memory * b.weight + 1
  const level = sum / weight
  return { sum, weight, level, trend: p.trendSmoothing * (level - b.level) + (1 - p.trendSmoothing) * b.trend }
}

/**
 * How far the trend carries the mean expected profit over the horizon H with damping φ
 * (Gardner & McKenzie 1985): (1/H) Σ_{h=1..H} Σ_{j=1..h} φ^j rounds of trend.
 */
export function trendReach(p: ExitParams): number {
  let reach = 0
  let ahead = 0
  for (let h = 1; h <= p.horizon; h++) {
    ahead += p.trendDamping ** h
    reach += ahead
  }
  return reach / p.horizon
}

/**
 * The seller's expected profit per round over the horizon beyond its outside option, in units of
 * its fixed costs: v = (level + trendReach × trend − outside) / fixed. 0 = staying is worth exactly
 * the outside option; −1 = it expects to lose its fixed costs (a store that sells nothing).
 */
export function outlook(b: Belief, reach: number, outside: number, fixed: number): number {
  return (b.level + reach * b.trend - outside) / fixed
}

/**
 * The chance that a seller leaves this round, given its outlook v. A seller whose expected profit
 * covers its outside option never leaves (v ≥ 0). Below, the hazard grows with the shortfall,
 * hazardPerShortfall per unit of fixed costs, up to maxHazard: exit is irreversible and forfeits the
 * seller's sunk set-up (listings, reviews, rank), so a seller facing uncertain losses waits rather
 * than leaves at once (Dixit 1989), and each seller acts at its own random time, so a cohort never
 * leaves together (the random scrap value of Ericson & Pakes 1995).
 */
export function exitHazard(v: number, p: ExitParams): number {
  return v >= 0 ? 0 : Math.min(p.maxHazard, p.hazardPerShortfall * -v)
}

/**
 * Entry and exit. Entrants join on their join round; every active seller's ad budget is refilled
 * each round. After each round every active seller books its profit (margin of its orders − ad spend
 * − overheadPerStore × stores), updates its belief, and leaves with probability exitHazard of its
 * outlook. One uniform draw per seller per round, active or not, so every plugin's run meets the same
 * draws and platforms differ only through what they do to sellers' profits.
 */
export const lifeCycle: SellerForceFactory = ({ market, params, ledger, profit, rng, syncListings }) => {
  const { sellers } = market
  const p = params.exit
  const reach = trendReach(p)
  const fixed = (s: number) => params.overheadPerStore * sellers.stores[s]
  const outside = (s: number) => p.outsideOptionPerStore * sellers.stores[s]
  const beliefs = Array.from({ length: sellers.count }, (_, s) => priorBelief(p, outside(s)))
  return {
    name: 'life-cycle',
    startRound(r) {
      let entered = false
      for (let s = 0; s < sellers.count; s++) {
        if (r > 0 && sellers.joinRound[s] === r) {
          sellers.active[s] = 1
          entered = true
        }
        sellers.budgetLeft[s] = sellers.active[s] ? sellers.adBudget[s] : 0
      }
      if (entered) syncListings()
    },
    endRound() {
      let exited = false
      for (let s = 0; s < sellers.count; s++) {
        const draw = rng()
        if (!sellers.active[s]) {
          profit[s] = 0
          continue
        }
        profit[s] = ledger.sellerMargin[s] - ledger.sellerAdSpend[s] - fixed(s)
        beliefs[s] = updateBelief(beliefs[s], profit[s], p)
        if (draw < exitHazard(outlook(beliefs[s], reach, outside(s), fixed(s)), p)) {
          sellers.active[s] = 0
          exited = true
        }
      }
      if (exited) syncListings()
    },
  }
}
