import { InputError } from '../../../core/errors.ts'
import type { FigureSpec } from '../page.ts'
import { betterReading, type CsvRow, chartId, groupBy, HEADLINE, type ReportContext } from '../report-rows.ts'
import { confidenceInterval, pairedTTest } from '../stats.ts'

/**
 * `bench report DIR --baseline ALGO[:VARIANT]`: per headline metric, every other row's difference from the baseline
 * row of its scenario, paired on the seeds both have, with the 95% interval of the paired difference.
 */

export interface Baseline {
  algorithm: string
  variant: string
}

/** The baseline named by ALGO or ALGO:VARIANT; ALGO alone means its row without a variant, or its only variant. */
export function resolveBaseline(summary: readonly CsvRow[], spec: string): Baseline {
  const split = spec.indexOf(':')
  const algorithm = split < 0 ? spec : spec.slice(0, split)
  const variants = [...new Set(summary.filter((r) => r.algorithm === algorithm).map((r) => r.variant))]
  const named = (v: string) => (v ? `${algorithm}:${v}` : algorithm)
  if (variants.length === 0) {
    const algorithms = [...new Set(summary.map((r) => r.algorithm))]
    throw new InputError(
      `--baseline ${spec}: no algorithm ${algorithm} in the results (they hold ${algorithms.join(', ')})`,
    )
  }
  if (split >= 0) {
    const variant = spec.slice(split + 1)
    if (!variants.includes(variant))
      throw new InputError(`--baseline ${spec}: no such variant (the results hold ${variants.map(named).join(', ')})`)
    return { algorithm, variant }
  }
  if (variants.includes('')) return { algorithm, variant: '' }
  if (variants.length === 1) return { algorithm, variant: variants[0] }
  throw new InputError(
    `--baseline ${spec}: ${algorithm} has several variants; name one: ${variants.map(named).join(', ')}`,
  )
}

/** Per seed, the value of a metric in some rows (empty cells left out). */
const bySeed = (rows: readonly CsvRow[], metric: string) =>
  new Map(rows.filter((r) => (r[metric] ?? '') !== '').map((r) => [r.seed, Number(r[metric])]))

/** The difference B − A over the seeds both have: paired t interval with two or more, the bare difference with one. */
export function pairedDifference(a: Map<string, number>, b: Map<string, number>) {
  const seeds = [...a.keys()].filter((s) => b.has(s))
  const [x, y] = [seeds.map((s) => a.get(s)!), seeds.map((s) => b.get(s)!)]
  if (seeds.length === 0) return null
  const test = pairedTTest(x, y)
  if (!test) return { y: y[0] - x[0], yMin: y[0] - x[0], yMax: y[0] - x[0], seeds: 1 }
  const [low, high] = confidenceInterval(test)
  return { y: test.diff, yMin: low, yMax: high, seeds: seeds.length }
}

export function baselineFigure(ctx: ReportContext, summary: readonly CsvRow[], baseline: Baseline): FigureSpec {
  const isBaseline = (r: CsvRow) => r.algorithm === baseline.algorithm && r.variant === baseline.variant
  const baseRows = groupBy(summary.filter(isBaseline), (r) => r.scenario)
  const others = groupBy(
    summary.filter((r) => !isBaseline(r) && baseRows.has(r.scenario)),
    ctx.seriesName,
  )
  const labels = [...others.keys()]
  const name = baseline.variant ? `${baseline.algorithm} (${baseline.variant})` : baseline.algorithm
  const metrics = HEADLINE.filter((m) => summary.some((r) => (r[m] ?? '') !== ''))
  let paired = 0
  const all = metrics.map((metric) => {
    const data = labels.map((label) => {
      const rows = others.get(label)!
      const d = pairedDifference(bySeed(baseRows.get(rows[0].scenario)!, metric), bySeed(rows, metric))
      paired = Math.max(paired, d?.seeds ?? 0)
      return d ? { y: d.y, yMin: d.yMin, yMax: d.yMax } : { y: NaN, yMin: NaN, yMax: NaN }
    })
    return {
      id: chartId('baseline', metric),
      title: `${metric} − ${name}`,
      reading: `Above 0: higher than ${name}; ${betterReading(metric)}.`,
      type: 'bar' as const,
      xLabel: 'algorithm',
      yLabel: 'difference',
      labels,
      legend: false,
      datasets: [{ label: `${metric} − ${name}`, colour: '#777777', colours: labels.map(ctx.colour), data }],
      note: '',
    }
  })
  // A metric the baseline (or every other row) lacks, such as avg_cpc without ads, has nothing to draw.
  const panels = all.filter((p) => p.datasets[0].data.some((d) => !Number.isNaN(d.y)))
  const lacking = all.filter((p) => !panels.includes(p)).map((p) => p.title.split(' ')[0])
  const interval =
    paired >= 2
      ? `Whiskers: 95% interval of the paired difference (paired t over ${paired} seeds).`
      : 'One seed: no interval.'
  return {
    id: 'fig-baseline',
    title: `Difference from the baseline ${name}`,
    reading: `Each bar: a row's headline metric minus ${name}'s, in its units; algorithms named under the bars.`,
    note:
      `Means over the seeds both rows have, paired seed by seed (each seed is one market). ${interval}` +
      (lacking.length ? ` No pairs to compare for ${lacking.join(', ')}.` : ''),
    panels,
  }
}
