import { type FigureSpec, PALETTE } from '../page.ts'
import {
  betterReading,
  boundsOf,
  type CsvRow,
  chartId,
  estimateOf,
  groupBy,
  HEADLINE,
  intervalNote,
  type ReportContext,
  withInterval,
} from '../report-rows.ts'

/**
 * Sweeps: variants of one algorithm that differ in one parameter (variant labels such as `adSlots=2;priceParity=true`,
 * bench/runner's --sweep), each headline metric against that parameter's value with its interval over seeds.
 */

/** A variant label as parameter → value text, in the label's order. */
export const parseVariant = (variant: string): Map<string, string> =>
  new Map(
    variant
      .split(';')
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
  )

export interface Sweep {
  algorithm: string
  scenario: string
  parameter: string
  /** The parameter's values, in the order the sweep listed them; numeric when every one is a number. */
  values: string[]
  numeric: boolean
  /** One line per setting of the other parameters: its name ('' without others) and variant label by value. */
  lines: { name: string; variants: Map<string, string> }[]
}

/** Every (algorithm, scenario, parameter) whose variants differ in that parameter alone, at least two values. */
export function findSweeps(summary: readonly CsvRow[]): Sweep[] {
  const sweeps: Sweep[] = []
  const runs = groupBy(
    summary.filter((r) => r.variant),
    (r) => `${r.algorithm}\u0000${r.scenario}`,
  )
  for (const rows of runs.values()) {
    const variants = [...new Set(rows.map((r) => r.variant))].map((label) => ({ label, params: parseVariant(label) }))
    const parameters = [...new Set(variants.flatMap((v) => [...v.params.keys()]))]
    for (const parameter of parameters) {
      const others = (params: Map<string, string>) =>
        [...params].filter(([k]) => k !== parameter).map(([k, v]) => `${k}=${v}`)
      const lines = [...groupBy(variants, (v) => others(v.params).join(';')).entries()]
        .map(([name, group]) => ({
          name,
          variants: new Map(group.map((v) => [v.params.get(parameter) ?? '', v.label])),
        }))
        .filter((line) => line.variants.size >= 2)
      if (lines.length === 0) continue
      const values = [...new Set(lines.flatMap((l) => [...l.variants.keys()]))]
      const numeric = values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)))
      if (numeric) values.sort((a, b) => Number(a) - Number(b))
      sweeps.push({ algorithm: rows[0].algorithm, scenario: rows[0].scenario, parameter, values, numeric, lines })
    }
  }
  return sweeps
}

/** Room around the outermost values, so their whiskers and labels are not cut. */
function xScale(sweep: Sweep): { at: (v: string) => number; range: [number, number]; ticks?: string[] } {
  if (!sweep.numeric) {
    return { at: (v) => sweep.values.indexOf(v), range: [-0.5, sweep.values.length - 0.5], ticks: sweep.values }
  }
  const [low, high] = [Number(sweep.values[0]), Number(sweep.values.at(-1))]
  const pad = (high - low) * 0.08 || 0.5
  return { at: Number, range: [low - pad, high + pad] }
}

/** Ticks at the swept values only: the axis shows what was run. */
const tickValues = (sweep: Sweep) => (sweep.numeric ? sweep.values.map(Number) : sweep.values.map((_, i) => i))

export function sweepFigures(ctx: ReportContext, summary: readonly CsvRow[], scenarios: number): FigureSpec[] {
  return findSweeps(summary).map((sweep, s) => {
    const rows = summary.filter((r) => r.algorithm === sweep.algorithm && r.scenario === sweep.scenario)
    const byVariant = groupBy(rows, (r) => r.variant)
    const x = xScale(sweep)
    // Lines side by side at each value, so that their whiskers do not hide each other.
    const dodge = (i: number) => (i - (sweep.lines.length - 1) / 2) * 0.03 * (x.range[1] - x.range[0])
    const metrics = HEADLINE.filter((m) => rows.some((r) => (r[m] ?? '') !== ''))
    const where = scenarios > 1 ? ` [${sweep.scenario}]` : ''
    return {
      id: `fig-sweep-${s}`,
      title: `Sweep: ${sweep.algorithm}${where}, headline metrics against ${sweep.parameter}`,
      reading:
        `Each panel one headline metric against ${sweep.parameter}; ` +
        (sweep.lines.length > 1 ? 'one line per setting of the other parameters.' : 'points joined in order.'),
      note: `Points: means over seeds. ${intervalNote(ctx.seeds, 'whiskers')}`,
      panels: metrics.map((metric) => ({
        id: chartId('sweep', s, metric),
        title: metric,
        reading: betterReading(metric),
        type: 'scatter' as const,
        xLabel: sweep.parameter,
        yLabel: metric,
        xRange: x.range,
        xTicks: x.ticks,
        xTickValues: tickValues(sweep),
        directLabels: 'end' as const,
        datasets: sweep.lines.map((line, i) => ({
          label: line.name || sweep.algorithm,
          colour: PALETTE[i % PALETTE.length],
          line: true,
          pointRadius: 4,
          data: sweep.values
            .filter((v) => line.variants.has(v))
            .map((v) => ({
              x: x.at(v) + dodge(i),
              ...withInterval(estimateOf(byVariant.get(line.variants.get(v)!) ?? [], metric), boundsOf(metric)),
            }))
            .filter((p) => !Number.isNaN(p.y)),
        })),
        note: '',
      })),
    }
  })
}
