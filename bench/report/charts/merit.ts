import type { FigureSpec } from '../page.ts'
import { type CsvRow, chartId, estimateOf, formatNumber, groupBy, type ReportContext } from '../report-rows.ts'

/**
 * Exposure against merit, seller by seller (sellers.csv `merit`: the exposure a seller would get if exposure were
 * proportional to relevance × true quality). Both as shares of their seed's totals, on log–log axes shared by every
 * panel, with the diagonal where exposure is proportional to merit.
 */

const positive = (v: string | undefined) => v !== undefined && v !== '' && Number(v) > 0

/** The figure, or null when sellers.csv has no merit (a log's results, or a folder from before the column). */
export function meritFigure(ctx: ReportContext, sellers: readonly CsvRow[], summary: readonly CsvRow[]) {
  if (!sellers.some((s) => (s.merit ?? '') !== '')) return null
  const summaries = groupBy(summary, ctx.seriesName)
  const bySeries = groupBy(sellers, ctx.seriesName)
  let [low, high] = [Infinity, 0]
  let hidden = 0
  let total = 0
  const panels = ctx.series
    .map((series, i) => {
      const data: { x: number; y: number }[] = []
      for (const rows of groupBy(bySeries.get(series) ?? [], (r) => r.seed).values()) {
        const sum = (c: string) => rows.reduce((s, r) => s + (Number(r[c]) || 0), 0)
        const [merit, exposure] = [sum('merit'), sum('exposure')]
        total += rows.length
        if (merit <= 0 || exposure <= 0) continue
        for (const r of rows) {
          // A seller with no exposure or no merit has no place on a log scale: counted, not drawn.
          if (!positive(r.merit) || !positive(r.exposure)) continue
          const p = { x: Number(r.merit) / merit, y: Number(r.exposure) / exposure }
          ;[low, high] = [Math.min(low, p.x, p.y), Math.max(high, p.x, p.y)]
          data.push(p)
        }
      }
      hidden += (bySeries.get(series)?.length ?? 0) - data.length
      const tvd = estimateOf(summaries.get(series) ?? [], 'exposure_merit_tvd').mean
      return { series, i, data, tvd }
    })
    .filter((p) => p.data.length > 0)
  if (panels.length === 0) return null
  // Decades around the data: the same square range on both axes, so the diagonal runs corner to corner.
  const range: [number, number] = [10 ** Math.floor(Math.log10(low)), 10 ** Math.ceil(Math.log10(high))]
  return {
    id: 'fig-merit',
    title: 'Exposure against merit, seller by seller',
    reading: 'Above the line: more exposure than merit; below: less. On the line: exposure proportional to merit.',
    note:
      "Each point is one seller of one seed: its share of the seed's exposure against its share of the seed's " +
      'merit (the exposure it would get if exposure were proportional to relevance × true quality), log–log. ' +
      `${hidden} of ${total} seller rows have no exposure or no merit and are not drawn (no place on a log scale).`,
    panels: panels.map(({ series, i, data, tvd }) => ({
      id: chartId('merit', i),
      title: Number.isNaN(tvd) ? series : `${series} — exposure_merit_tvd ${formatNumber(tvd)}`,
      type: 'scatter' as const,
      xLabel: 'share of merit',
      yLabel: 'share of exposure',
      log: true,
      range,
      xRange: range,
      directLabels: 'end' as const,
      labelAt: range[1],
      datasets: [
        { label: series, colour: `${ctx.colour(series)}90`, data, pointRadius: 2, unlabelled: true },
        {
          label: 'exposure ∝ merit',
          colour: '#555555',
          dashed: true,
          line: true,
          pointRadius: 0,
          data: [
            { x: range[0], y: range[0] },
            { x: range[1], y: range[1] },
          ],
        },
      ],
      note: '',
    })),
    height: 260,
  } satisfies FigureSpec
}
