import type { Plugin } from '../../algorithms/kit/contract.ts'
import type { Row } from '../../core/csv.ts'
import { estimate } from '../report/stats.ts'
import { type Check, type Fact, meanOf, type Ref, refRows } from './facts.ts'

/**
 * How far each fact holds, not just whether: a fact's margin is the relative distance its check clears (positive:
 * holds; negative: fails by that much), computed on the means over seeds and on each seed alone, so a fact that holds
 * on the means but on few seeds alone shows it. Probes have no margin.
 */
export interface FactMargin {
  /** On the means over seeds (the verdict's own numbers). */
  margin: number
  /** 95% interval of the per-seed margins' mean (t over seeds); NaN with fewer than two seeds. */
  low: number
  high: number
  /** Seeds on which the check holds alone. */
  seedsHolding: number
  seeds: number
}

/** How far a lies above b, relative to b: (a − b) / |b|, or a − b when b is 0. Negative when a is below. */
const above = (a: number, b: number) => (b === 0 ? a - b : (a - b) / Math.abs(b))

/** A check's margin and whether it holds, for one way of reading a ref's value (means, or one seed). */
function marginOf(check: Check, value: (ref: Ref) => number): { margin: number; holds: boolean } {
  switch (check.kind) {
    case 'extreme': {
      const mine = value(check.subject)
      const others = check.among.map(value)
      const highest = check.direction === 'highest'
      const rival = highest ? Math.max(...others) : Math.min(...others)
      const margin = highest ? above(mine, rival) : -above(mine, rival)
      return { margin, holds: margin > 0 }
    }
    case 'compare': {
      const left = value(check.left)
      const right = typeof check.right === 'number' ? check.right : value(check.right)
      const margin = check.op === '>' || check.op === '>=' ? above(left, right) : -above(left, right)
      return { margin, holds: check.op === '>' || check.op === '<' ? margin > 0 : margin >= 0 }
    }
    case 'between': {
      const v = value(check.ref)
      const margin = Math.min(above(v, check.min), -above(v, check.max))
      return { margin, holds: margin >= 0 }
    }
    case 'ratioBelow': {
      const n = value(check.numerator)
      const d = value(check.denominator)
      const margin = -above(d === 0 ? (n === 0 ? 0 : Infinity) : n / d, check.max)
      return { margin, holds: margin > 0 }
    }
    case 'probe':
      return { margin: NaN, holds: true }
    case 'survival':
      throw new Error('a survival check is resolved to its range first (conditions.ts resolveChecks)')
    case 'all': {
      const parts = check.checks.map((c) => marginOf(c, value))
      const margins = parts.map((p) => p.margin).filter((m) => !Number.isNaN(m))
      return { margin: margins.length ? Math.min(...margins) : NaN, holds: parts.every((p) => p.holds) }
    }
  }
}

/**
 * Every applicable fact's margin, on the means over seeds and seed by seed, from summary rows (the seeds are those of
 * the base scenario's rows). Null for a fact whose check is a probe only.
 */
export function factMargins(
  facts: Fact[],
  summary: Row[],
  baseScenario: string,
  plugins: Map<string, Plugin>,
): Map<string, FactMargin | null> {
  const rowsOf = refRows(summary, baseScenario, plugins)
  const number = (v: Row[string] | undefined) => (v === undefined || v === '' ? NaN : Number(v))
  const mean = (ref: Ref) => meanOf(rowsOf(ref), ref.metric)
  const seeds = [...new Set(summary.filter((r) => r.scenario === baseScenario).map((r) => Number(r.seed)))]
  const out = new Map<string, FactMargin | null>()
  for (const fact of facts) {
    const onMeans = marginOf(fact.check, mean)
    if (Number.isNaN(onMeans.margin)) {
      out.set(fact.id, null)
      continue
    }
    const perSeed = seeds.map((seed) =>
      marginOf(fact.check, (ref) => number(rowsOf(ref).find((r) => Number(r.seed) === seed)?.[ref.metric])),
    )
    const margins = perSeed.map((p) => p.margin).filter(Number.isFinite)
    const e = estimate(margins)
    out.set(fact.id, {
      margin: onMeans.margin,
      low: e.mean - e.halfWidth,
      high: e.mean + e.halfWidth,
      seedsHolding: perSeed.filter((p) => p.holds).length,
      seeds: seeds.length,
    })
  }
  return out
}
