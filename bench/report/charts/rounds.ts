import { ROUND_METRICS } from '../../metrics/definitions.ts'
import type { FigureSpec } from '../page.ts'
import {
  bandsIfReadable,
  betterReading,
  boundsOf,
  type CsvRow,
  chartId,
  definitionOf,
  estimateOf,
  groupBy,
  meanLine,
  type ReportContext,
} from '../report-rows.ts'

/** The lowest and highest round of some rows: the x-scale that every panel of a figure shares. */
export function roundRange(rounds: Iterable<number>): [number, number] {
  let [low, high] = [Infinity, -Infinity]
  for (const r of rounds) [low, high] = [Math.min(low, r), Math.max(high, r)]
  return low <= high ? [low, high] : [0, 0]
}

/** Every rounds.csv column over the rounds: a panel per column, a labelled line per series, one x-scale. */
export function roundsFigure(ctx: ReportContext, rounds: readonly CsvRow[]): FigureSpec | null {
  if (rounds.length === 0) return null
  const bySeries = groupBy(rounds, ctx.seriesName)
  const xRange = roundRange(rounds.map((r) => Number(r.round)))
  const readable = bandsIfReadable(ctx.series.length, ctx.seeds)
  const panels = ROUND_METRICS.map((m) => m.name)
    .filter((metric) => metric in rounds[0])
    .map((metric) => {
      const lines = ctx.series.map((s) => {
        const points = [...groupBy(bySeries.get(s) ?? [], (r) => r.round).entries()]
          .map(([round, rows]) => ({ x: Number(round), e: estimateOf(rows, metric) }))
          .filter((p) => !Number.isNaN(p.e.mean))
          .sort((a, b) => a.x - b.x)
        return { series: s, ...meanLine(points, boundsOf(metric)) }
      })
      // A series at 0 throughout (CPC without ads) is named under the panel, not drawn as a pile of lines at 0.
      const flat = lines.filter((l) => l.data.length > 0 && l.data.every((p) => p.y === 0))
      const drawn = lines.filter((l) => l.data.length > 0 && !flat.includes(l))
      return {
        id: chartId('rounds', metric),
        title: metric,
        reading: betterReading(metric),
        type: 'line' as const,
        xLabel: 'round',
        yLabel: metric,
        xRange,
        zero: false,
        directLabels: 'end' as const,
        datasets: drawn.map((l) => ({
          label: l.series,
          colour: ctx.colour(l.series),
          data: l.data,
          band: readable.bands ? l.band : undefined,
        })),
        note: definitionOf(metric),
        below: flat.length ? `0 in every round: ${flat.map((l) => l.series).join(', ')}` : undefined,
        empty: drawn.length + flat.length === 0,
      }
    })
    .filter((p) => !p.empty)
    .map(({ empty: _, ...panel }) => panel)
  return {
    id: 'fig-rounds',
    title: 'Every rounds.csv column, round by round',
    reading: 'One panel per column; each line is an algorithm, named at its right end; all panels share the rounds.',
    note: `Means over seeds of each round's value. ${readable.note} Definitions: bench/METRICS.md.`,
    panels,
  }
}
