import { SUMMARY_METRICS } from '../../metrics/definitions.ts'
import type { ChartSpec, FigureSpec } from '../page.ts'
import {
  bandsIfReadable,
  betterReading,
  boundsOf,
  type CsvRow,
  estimateOf,
  groupBy,
  intervalNote,
  meanLine,
  niceCeiling,
  type ReportContext,
  SHARE,
  valuesOf,
  withInterval,
} from '../report-rows.ts'
import { estimate } from '../stats.ts'

/** The summary's pictures: Lorenz curves of exposure, the three sides per metric, and the fairness–sales trade-off. */

const LORENZ_POINTS = 100
/** The trade-off plot: fairness to sellers against the platform's sales, one point per algorithm/variant. */
const TRADE_OFF = { x: 'gini_exposure', y: 'gmv' }
const SIDES = [
  {
    id: 'side-sellers',
    title: 'Sellers',
    metrics: [
      'gini_exposure',
      'top10_exposure_share',
      'new_seller_exposure_share',
      'small_seller_revenue_share',
      'seller_survival_rate',
    ],
  },
  { id: 'side-buyers', title: 'Buyers', metrics: ['conversion_rate', 'ndcg_at_10'] },
  {
    id: 'side-platform',
    title: 'Platform',
    metrics: ['take_rate', 'sponsored_impression_share', 'zero_ad_seller_exposure_share'],
  },
]

/**
 * Lorenz curve: the share of the total held by the least-endowed x share of the population, at
 * LORENZ_POINTS + 1 evenly spaced x. Linear between the points (i/n, Σ_{j≤i} x_(j) / Σ x), as the curve is.
 */
export function lorenzCurve(values: number[]): { x: number; y: number }[] {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const total = sorted.reduce((a, b) => a + b, 0)
  const cumulative = [0]
  for (const v of sorted) cumulative.push(cumulative[cumulative.length - 1] + v)
  return Array.from({ length: LORENZ_POINTS + 1 }, (_, i) => {
    const x = i / LORENZ_POINTS
    if (total === 0 || n === 0) return { x, y: x }
    const position = x * n
    const whole = Math.min(n - 1, Math.floor(position))
    return { x, y: (cumulative[whole] + (position - whole) * sorted[whole]) / total }
  })
}

/** A line from per-seed curves that share their x: the mean at each x and its 95% band. */
const meanCurve = (curves: { x: number; y: number }[][]) =>
  meanLine(curves[0]?.map((p, i) => ({ x: p.x, e: estimate(curves.map((c) => c[i].y)) })) ?? [], SHARE)

export function lorenzChart(ctx: ReportContext, sellers: readonly CsvRow[]): ChartSpec {
  const bySeries = groupBy(sellers, ctx.seriesName)
  const perSeed = (rows: CsvRow[]) => [...groupBy(rows, (r) => r.seed).values()]
  const readable = bandsIfReadable(ctx.series.length, ctx.seeds)
  return {
    id: 'lorenz-exposure',
    title: 'Lorenz curves of seller exposure',
    reading: 'The further below the diagonal, the more exposure goes to few sellers (gini_exposure: lower is better).',
    type: 'line',
    xLabel: 'share of sellers, least exposed first',
    yLabel: 'share of all exposure',
    xRange: [0, 1],
    directLabels: 'end',
    labelAt: 0.9,
    datasets: [
      {
        label: 'perfect equality',
        data: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        colour: '#999999',
        dashed: true,
      },
      ...ctx.series.map((s) => {
        const line = meanCurve(perSeed(bySeries.get(s) ?? []).map((rows) => lorenzCurve(valuesOf(rows, 'exposure'))))
        return { label: s, colour: ctx.colour(s), data: line.data, band: readable.bands ? line.band : undefined }
      }),
    ],
    note:
      "gini_exposure is twice the area between a curve and the diagonal. Mean of the seeds' curves, named at " +
      `x = 0.9. ${readable.note}`,
  }
}

/** Per side, a panel per metric with the algorithms along x; every panel of a side on one value scale. */
export function sideFigures(ctx: ReportContext, summary: readonly CsvRow[]): FigureSpec[] {
  const bySeries = groupBy(summary, ctx.seriesName)
  return SIDES.map((side) => {
    const panels = side.metrics.map((metric) => ({
      metric,
      data: ctx.series.map((s) => withInterval(estimateOf(bySeries.get(s) ?? [], metric), boundsOf(metric))),
    }))
    const high = Math.max(0, ...panels.flatMap((p) => p.data.map((d) => d.yMax)).filter((v) => !Number.isNaN(v)))
    const top = Math.min(1, niceCeiling(high))
    return {
      id: side.id,
      title: side.title,
      reading: 'One panel per metric, one bar per algorithm (named under it); all panels share one value scale.',
      note: `Means over seeds. ${intervalNote(ctx.seeds, 'whiskers')} Definitions: bench/METRICS.md.`,
      panels: panels.map(({ metric, data }) => ({
        id: `${side.id}-${metric}`,
        title: metric,
        reading: betterReading(metric),
        type: 'bar' as const,
        xLabel: 'algorithm',
        yLabel: 'value (0–1)',
        labels: ctx.series,
        range: [0, top] as [number, number],
        legend: false,
        datasets: [{ label: metric, colour: '#777777', colours: ctx.series.map(ctx.colour), data }],
        note: SUMMARY_METRICS.find((d) => d.name === metric)?.definition ?? '',
      })),
      height: 250,
    }
  })
}

/** Each algorithm/variant a point with whiskers both ways (as ann-benchmarks plots recall against speed). */
export function tradeOffChart(ctx: ReportContext, summary: readonly CsvRow[]): ChartSpec {
  const bySeries = groupBy(summary, ctx.seriesName)
  return {
    id: 'tradeoff',
    title: `Trade-off: ${TRADE_OFF.x} against ${TRADE_OFF.y}`,
    reading: 'Up and to the left is better on both; the upper-left frontier holds the efficient trade-offs.',
    type: 'scatter',
    xLabel: `${TRADE_OFF.x} (${betterReading(TRADE_OFF.x)})`,
    yLabel: `${TRADE_OFF.y} (dollars, ${betterReading(TRADE_OFF.y)})`,
    directLabels: 'points',
    datasets: ctx.series.map((s) => {
      const [x, y] = [TRADE_OFF.x, TRADE_OFF.y].map((m) => withInterval(estimateOf(bySeries.get(s)!, m), boundsOf(m)))
      return { label: s, colour: ctx.colour(s), data: [{ x: x.y, xMin: x.yMin, xMax: x.yMax, ...y }] }
    }),
    note: `One point per algorithm/variant: the mean over seeds. ${intervalNote(ctx.seeds, 'whiskers')}`,
  }
}
