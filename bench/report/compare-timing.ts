import { THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import type { ComparisonRow, Side } from './compare.ts'
import type { Pair } from './compare-match.ts'
import type { ResultGroup } from './inputs.ts'
import { confidenceInterval, estimate, mean, welchTTest } from './stats.ts'

/**
 * Speed compared as speed: wall time is not a function of the seed, so common random numbers do
 * nothing for it and timing rows are never paired on seeds. Each side's samples are its runs'
 * repeats (`bench run --repeat N`) over every seed, compared with Welch's t; the verdict also needs
 * the change to clear the run-to-run noise the repeats show.
 */

export const TIMING_METRICS: ReadonlySet<string> = new Set(THROUGHPUT_METRICS.map((m) => m.name))

/**
 * The smallest noise floor, as a relative change (assumption: two runs of the identical job on one
 * machine, measured back to back, differ by this much or more without any cause in the code; the
 * measured spread raises it, `--timing-noise` sets it).
 */
export const MIN_TIMING_NOISE = 0.1

/** Every repeat of every seed, in seed order. */
function samplesOf(group: ResultGroup, metric: string): number[] {
  return [...group.repeats.entries()].sort(([a], [b]) => a - b).flatMap(([, r]) => r[metric] ?? [])
}

/**
 * The run-to-run spread of one side: the largest relative range max/min − 1 of one seed's repeats;
 * null when no seed was measured twice.
 */
export function repeatSpread(group: ResultGroup, metric: string): number | null {
  let spread: number | null = null
  for (const r of group.repeats.values()) {
    const v = (r[metric] ?? []).filter((x) => x > 0)
    if (v.length < 2) continue
    spread = Math.max(spread ?? 0, Math.max(...v) / Math.min(...v) - 1)
  }
  return spread
}

/** One timing metric of a pair: Welch over repeats, a noise floor, and a verdict only beyond it. */
export function timingRow(
  pair: Pair,
  metric: string,
  row: Pick<ComparisonRow, 'better' | 'config'>,
  minNoise: number,
): ComparisonRow {
  const av = samplesOf(pair.base.group, metric)
  const bv = samplesOf(pair.cand.group, metric)
  const side = (x: Pair['base'], v: number[]): Side => ({
    input: x.input,
    algorithm: x.group.algorithm,
    variant: x.group.variant,
    scenario: x.group.scenario,
    estimate: v.length ? estimate(v) : null,
  })
  const spreads = [repeatSpread(pair.base.group, metric), repeatSpread(pair.cand.group, metric)]
  const repeated = spreads.every((s) => s !== null)
  const test = repeated ? welchTTest(av, bv) : null
  const base = Math.abs(mean(av))
  const floor = Math.max(minNoise, ...spreads.map((s) => s ?? 0))
  const ci = test ? confidenceInterval(test) : null
  const out: ComparisonRow = {
    baseline: side(pair.base, av),
    candidate: side(pair.cand, bv),
    metric,
    ...row,
    test,
    ci,
    ciAdjusted: null,
    relDiff: test && base > 0 ? test.diff / base : NaN,
    pAdjusted: NaN,
    family: null,
    verdict: !av.length || !bv.length ? 'no values' : 'not enough timing samples',
    unpairedSeeds: 0,
    noiseFloor: repeated ? floor : undefined,
  }
  if (!test || !ci || !(base > 0)) return out
  const [low, high] = ci.map((x) => x / base)
  if (low > floor || high < -floor)
    out.verdict = row.better === 'neither' ? 'changed' : low > 0 === (row.better === 'higher') ? 'better' : 'worse'
  // Not told apart from the run-to-run noise: the change, or the interval around it, reaches inside the floor.
  else out.verdict = 'within noise'
  return out
}
