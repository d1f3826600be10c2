import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { DRAW } from './draw.ts'

/**
 * The shell shared by report.html and the comparison page: one self-contained HTML file with
 * Chart.js, its error-bar plugin and the data inlined (no network requests), and the one script that
 * draws every chart from plain data (ChartSpec).
 */

export interface Point {
  x: number
  y: number
  xMin?: number
  xMax?: number
  yMin?: number
  yMax?: number
}

export interface ChartSpec {
  id: string
  title: string
  /**
   * line: x is a number, with an optional 95% band per dataset; bar: one value (or {y, yMin, yMax}) per label; scatter:
   * points with whiskers.
   */
  type: 'line' | 'bar' | 'scatter'
  xLabel: string
  yLabel: string
  labels?: string[]
  /** Bars along the y axis (values then carry x, xMin, xMax). */
  horizontal?: boolean
  /** The value axis starts at 0 (default for line and bar charts). */
  zero?: boolean
  /** Fixed bounds of the value axis (bars beyond are cut at the edge). */
  range?: [number, number]
  /** Fixed bounds of a numeric x axis: panels of one figure share them. */
  xRange?: [number, number]
  /** Both axes logarithmic (values must be > 0). */
  log?: boolean
  /** A categorical x drawn on a numeric axis: x is an index into these names. */
  xTicks?: string[]
  /** Ticks of a numeric x at these values only (the values a sweep ran). */
  xTickValues?: number[]
  /** false: no legend (bars named under them by their axis). */
  legend?: boolean
  /**
   * Name each series beside its mark instead of in a legend: `end` in the right margin at the line's last point
   * (or the point nearest `labelAt`), `points` beside the point.
   */
  directLabels?: 'end' | 'points'
  labelAt?: number
  /** One line saying how to read the chart. */
  reading?: string
  datasets: {
    label: string
    data: (number | Point | { y: number; yMin: number; yMax: number } | { x: number; xMin: number; xMax: number })[]
    colour: string
    /** One colour per bar, overriding `colour`. */
    colours?: string[]
    dashed?: boolean
    /** Line charts: the 95% confidence band across seeds at each x. */
    band?: { x: number; low: number; high: number }[]
    /** Scatter: join the points with a line. */
    line?: boolean
    pointRadius?: number
    /** Left out of the direct labels (a cloud of points, a reference line named elsewhere). */
    unlabelled?: boolean
  }[]
  note: string
}

/** Small multiples: panels drawn side by side under one title, one reading and one caption. */
export interface FigureSpec {
  id: string
  title: string
  reading: string
  note: string
  /** Each panel's title is its heading; `below` is a short line under it. */
  panels: (ChartSpec & { below?: string })[]
  height?: number
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
]

// The packages' exports maps hide their UMD builds; they sit beside (chart.js) or under (error bars) the main entry.
const require = createRequire(import.meta.url)
const chartJs = () => readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8')
const errorBarsJs = () =>
  readFileSync(join(dirname(require.resolve('chartjs-chart-error-bars')), 'index.umd.min.js'), 'utf8')

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
// JSON inside <script>: no "</script>" can close the element early.
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c')

const reading = (text: string | undefined) => (text ? `<p class="reading">${escapeHtml(text)}</p>` : '')

export const figure = (c: ChartSpec, height = 320) =>
  `<figure><h3>${escapeHtml(c.title)}</h3>${reading(c.reading)}<div class="chart" style="height:${height}px">` +
  `<canvas id="${c.id}"></canvas></div><figcaption>${escapeHtml(c.note)}</figcaption></figure>`

/** A figure of small multiples, as wide as the page. */
export const panelFigure = (f: FigureSpec) =>
  `<figure class="wide" id="${f.id}"><h3>${escapeHtml(f.title)}</h3>${reading(f.reading)}<div class="panels">` +
  f.panels
    .map(
      (p) =>
        // A panel's note (a metric's definition) shows on hovering its title, keeping the page's prose short.
        `<div class="panel"><h4${p.note ? ` title="${escapeHtml(p.note)}"` : ''}>${escapeHtml(p.title)}</h4>` +
        `${reading(p.reading)}<div class="chart" ` +
        `style="height:${f.height ?? 230}px"><canvas id="${p.id}"></canvas></div>` +
        `${p.below ? `<p class="below">${escapeHtml(p.below)}</p>` : ''}</div>`,
    )
    .join('') +
  `</div><figcaption>${escapeHtml(f.note)}</figcaption></figure>`

/** An HTML table; cells are escaped text. */
export function table(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  rowClass?: (i: number) => string,
): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')
  const body = rows
    .map(
      (r, i) =>
        `<tr${rowClass ? ` class="${rowClass(i)}"` : ''}>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('')
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

export function page(title: string, body: string, charts: ChartSpec[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;
padding:16px 24px;color:#222}
h1{font-size:22px;margin:8px 0}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:14px;margin:0 0 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
figure{margin:0;padding:12px;border:1px solid #e3e3e3;border-radius:6px;background:#fff}
.chart{position:relative;height:320px}figcaption{color:#555;font-size:12px;margin-top:6px}
table{border-collapse:collapse;font-size:12px;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f5f5f5}.meta{color:#555}
tr.better td{background:#e6f4e6}tr.worse td{background:#fbe5e5}tr.changed td{background:#fdf3dc}
tr.fail td{background:#fbe5e5}tr.inconclusive td{background:#fdf3dc}
figure.wide{grid-column:1/-1}.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
h4{font-size:13px;margin:0}.reading{margin:0 0 6px;font-size:12px}.below{color:#555;font-size:11px;margin:2px 0}
</style></head><body>
${body}
<script>${chartJs()}</script>
<script>${errorBarsJs()}</script>
<script>
const CHARTS = ${scriptJson(charts)};
${DRAW}
</script>
</body></html>
`
}
