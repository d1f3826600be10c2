import { median } from '../../metrics/functions.ts'
import type { ChartSpec, FigureSpec } from '../page.ts'
import { type CsvRow, groupBy, niceCeiling, type ReportContext, valuesOf } from '../report-rows.ts'

/**
 * Speed from throughput.csv: timings vary with the machine and its load and are skewed, so each bar is the median of
 * the timed runs (seeds × --repeat) and its whisker runs from the fastest to the slowest run — never below 0, and no
 * mean ± sd of a latency.
 */

/** {y, yMin, yMax}: the median and the range of the runs' values; NaN when none was measured. */
function medianRange(values: number[]) {
  return values.length === 0
    ? { y: NaN, yMin: NaN, yMax: NaN }
    : { y: median(values), yMin: Math.min(...values), yMax: Math.max(...values) }
}

const runsNote = (runs: { min: number; max: number }) =>
  runs.max < 2
    ? 'One timed run per plugin: no spread shown.'
    : `Bar: median of ${runs.min === runs.max ? runs.max : `${runs.min}–${runs.max}`} timed runs (seeds × repeats); ` +
      'whisker: fastest to slowest run.'

export function speedCharts(ctx: ReportContext, throughput: readonly CsvRow[]) {
  const bySeries = groupBy(throughput, ctx.seriesName)
  const plugins = [...bySeries.keys()]
  const counts = (column: string) => {
    const n = plugins.map((p) => valuesOf(bySeries.get(p)!, column).length).filter((c) => c > 0)
    return { min: Math.min(...n), max: Math.max(0, ...n) }
  }
  const bars = (column: string) => plugins.map((p) => medianRange(valuesOf(bySeries.get(p)!, column)))
  const charts: ChartSpec[] = []
  const sessions = counts('sessions_per_sec')
  if (sessions.max > 0)
    charts.push({
      id: 'throughput',
      title: 'Simulation speed per plugin',
      reading: 'sessions_per_sec: higher is faster.',
      type: 'bar',
      xLabel: 'plugin',
      yLabel: 'sessions per second',
      labels: plugins,
      legend: false,
      datasets: [
        {
          label: 'sessions_per_sec',
          colour: '#777777',
          colours: plugins.map(ctx.colour),
          data: bars('sessions_per_sec'),
        },
      ],
      note: `Whole-engine sessions per second of wall time (machine-dependent). ${runsNote(sessions)}`,
    })
  const latency = ['rank_p50_us', 'rank_p99_us'].map((m) => ({ metric: m, data: bars(m) }))
  const high = Math.max(0, ...latency.flatMap((l) => l.data.map((p) => p.yMax)).filter((v) => !Number.isNaN(v)))
  const runs = counts('rank_p50_us')
  const figure: FigureSpec | null =
    runs.max === 0
      ? null
      : {
          id: 'fig-latency',
          title: 'rank() latency per plugin',
          reading:
            'Median (rank_p50_us) and 99th-percentile (rank_p99_us) latency of one rank() call; lower is faster.',
          note: `Measured with tinybench replaying sessions of the last round. ${runsNote(runs)}`,
          panels: latency.map(({ metric, data }) => ({
            id: `latency-${metric}`,
            title: metric,
            type: 'bar' as const,
            xLabel: 'plugin',
            yLabel: 'microseconds per rank() call',
            labels: plugins,
            range: [0, niceCeiling(high)] as [number, number],
            legend: false,
            datasets: [{ label: metric, colour: '#777777', colours: plugins.map(ctx.colour), data }],
            note: '',
          })),
          height: 260,
        }
  const missing = figure ? '' : 'No rank() latency in this folder (it is measured unless --bench-time 0).'
  return { charts, figure, missing }
}
