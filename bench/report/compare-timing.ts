import { THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { type ComparisonRow, side } from './compare.ts'
import type { Pair } from './compare-match.ts'
import type { ResultGroup } from './inputs.ts'
import { confidenceInterval, mean, welchTTest } from './stats.ts'

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

/**
 * One timing metric of a pair: Welch over repeats (Δ and its CI in the metric's units), the ratio of geometric means
 * (Δ%) with Welch on logs, a noise floor, and a verdict only when the whole ratio interval lies beyond
 * ×(1 + floor) or ÷(1 + floor).
 */
export function timingRow(
  pair: Pair,
  metric: string,
  row: Pick<ComparisonRow, 'better' | 'config'>,
  minNoise: number,
): ComparisonRow {
  const av = samplesOf(pair.base.group, metric)
  const bv = samplesOf(pair.cand.group, metric)
  const spreads = [repeatSpread(pair.base.group, metric), repeatSpread(pair.cand.group, metric)]
  const repeated = spreads.every((s) => s !== null)
  const test = repeated ? welchTTest(av, bv) : null
  // Speed is judged as a ratio (a slowdown cannot pass −100%, a speed-up can pass +100%): Welch on logs.
  const positive = (v: number[]) => v.filter((x) => x > 0).map(Math.log)
  const ratioTest = repeated ? welchTTest(positive(av), positive(bv)) : null
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
    relDiff: ratioTest ? Math.expm1(ratioTest.diff) : NaN,
    pAdjusted: NaN,
    family: null,
    verdict: !av.length || !bv.length ? 'no values' : 'not enough timing samples',
    unpairedSeeds: 0,
    noiseFloor: repeated ? floor : undefined,
    ratioTest: ratioTest ?? undefined,
  }
  if (!test || !ratioTest || !(base > 0)) return out
  // The floor as a ratio both ways: ×(1 + floor) or ÷(1 + floor).
  const [low, high] = confidenceInterval(ratioTest)
  const edge = Math.log1p(floor)
  if (low > edge || high < -edge)
    out.verdict = row.better === 'neither' ? 'changed' : low > 0 === (row.better === 'higher') ? 'better' : 'worse'
  // Not told apart from the run-to-run noise: the change, or the interval around it, reaches inside the floor.
  else out.verdict = 'within noise'
  return out
}
