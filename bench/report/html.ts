import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { ROUND_METRICS, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'

/**
 * report.html: one self-contained page (Chart.js and the data inlined, no network requests) built
 * from a results folder's files. `bench run` writes it; `bench report DIR` rebuilds it.
 */

type CsvRow = Record<string, string>
const LORENZ_POINTS = 100
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']

// chart.js's exports map hides dist/; its UMD build sits beside the main entry.
const chartJs = () => readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8')

/** The name a run is shown under: the algorithm, and its sweep variant when there is one. */
function seriesName(row: CsvRow): string {
  return row.variant ? `${row.algorithm} (${row.variant})` : row.algorithm
}

function groupBy(rows: CsvRow[], key: (r: CsvRow) => string): Map<string, CsvRow[]> {
  const groups = new Map<string, CsvRow[]>()
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r])
  return groups
}

// Blank cells are metrics an input cannot define (bench metrics on a log): left out, NaN (shown as –) when all are blank.
const meanOf = (rows: CsvRow[], column: string) => ((v) => v.reduce((s, x) => s + Number(x), 0) / v.length)(rows.map((r) => r[column]).filter((x) => x !== '' && x !== undefined))

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

interface ChartSpec {
  id: string
  title: string
  type: 'line' | 'bar'
  xLabel: string
  yLabel: string
  /** Line charts: x values are numbers; bar charts: labels name the groups. */
  labels?: string[]
  datasets: { label: string; data: (number | { x: number; y: number })[]; colour: string; dashed?: boolean }[]
  note: string
}

/** The charts and tables of the report, as plain data. */
export function reportData(files: Record<string, string>) {
  const read = (name: string): CsvRow[] => (files[name] ? parse(files[name], { columns: true }) : [])
  const summary = read('summary.csv')
  const rounds = read('rounds.csv')
  const sellers = read('sellers.csv')
  const throughput = read('throughput.csv')
  const facts = read('facts.csv')
  const series = [...groupBy(summary, seriesName).keys()]
  // One colour per series, the same in every chart.
  const colour = (name: string) => PALETTE[Math.max(0, series.indexOf(name)) % PALETTE.length]
  const charts: ChartSpec[] = []

  // Sellers: how unequal is exposure? Pooled over the seeds' markets.
  const bySeries = groupBy(sellers, seriesName)
  charts.push({
    id: 'lorenz-exposure',
    title: 'Lorenz curves of seller exposure',
    type: 'line',
    xLabel: 'share of sellers, least exposed first',
    yLabel: 'share of all exposure',
    datasets: [
      { label: 'perfect equality', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], colour: '#999', dashed: true },
      ...series.map((s) => ({ label: s, colour: colour(s), data: lorenzCurve((bySeries.get(s) ?? []).map((r) => Number(r.exposure))) })),
    ],
    note: 'The further below the diagonal, the more exposure goes to few sellers (gini_exposure is twice the area between).',
  })

  const overRounds = (column: string) =>
    series.map((s) => {
      const byRound = groupBy(
        rounds.filter((r) => seriesName(r) === s),
        (r) => r.round,
      )
      return { label: s, colour: colour(s), data: [...byRound.entries()].map(([round, rows]) => ({ x: Number(round), y: meanOf(rows, column) })) }
    })
  /** dropFlat: leave out series that are 0 throughout (e.g. CPC of platforms without ads). */
  const roundChart = (id: string, column: string, title: string, yLabel: string, dropFlat = false) => {
    const def = ROUND_METRICS.find((m) => m.name === column)
    const datasets = overRounds(column).filter((d) => !dropFlat || d.data.some((p) => p.y !== 0))
    const omitted = dropFlat && datasets.length < series.length ? ' Platforms without sponsored clicks are left out.' : ''
    charts.push({ id, title, type: 'line', xLabel: 'round (day)', yLabel, datasets, note: `${column}: ${def?.definition ?? ''} Mean over seeds.${omitted}` })
  }
  roundChart('new-seller-share', 'new_seller_exposure_share', 'Exposure share of new sellers (entrants), by round', 'share of exposure (0–1)')
  roundChart('small-seller-share', 'small_seller_exposure_share', 'Exposure share of small sellers, by round', 'share of exposure (0–1)')
  roundChart('cpc', 'avg_cpc', 'Average CPC, by round', 'dollars per sponsored click', true)
  roundChart('gmv', 'gmv', 'GMV, by round', 'dollars')

  // The three sides: each a bar chart of share-valued metrics, one bar per series.
  const sideChart = (id: string, title: string, metrics: string[]) => {
    const bySeriesSummary = groupBy(summary, seriesName)
    charts.push({
      id,
      title,
      type: 'bar',
      xLabel: 'metric',
      yLabel: 'value (0–1), mean over seeds',
      labels: metrics,
      datasets: series.map((s) => ({ label: s, colour: colour(s), data: metrics.map((m) => meanOf(bySeriesSummary.get(s)!, m)) })),
      note: metrics.map((m) => `${m}: ${SUMMARY_METRICS.find((d) => d.name === m)?.definition}`).join(' '),
    })
  }
  sideChart('side-sellers', 'Sellers', ['gini_exposure', 'top10_exposure_share', 'new_seller_exposure_share', 'small_seller_revenue_share', 'seller_survival_rate'])
  sideChart('side-buyers', 'Buyers', ['conversion_rate', 'ndcg_at_10'])
  sideChart('side-platform', 'Platform', ['take_rate', 'sponsored_impression_share', 'zero_ad_seller_exposure_share'])

  const byThroughput = groupBy(throughput, seriesName)
  const speedSeries = [...byThroughput.keys()]
  charts.push({
    id: 'throughput',
    title: 'Simulation speed per plugin',
    type: 'bar',
    xLabel: 'plugin',
    yLabel: 'sessions per second',
    labels: speedSeries,
    datasets: [{ label: 'sessions_per_sec', colour: PALETTE[0], data: speedSeries.map((s) => meanOf(byThroughput.get(s)!, 'sessions_per_sec')) }],
    note: 'Whole-engine sessions per second of wall time (not deterministic; machine-dependent).',
  })
  charts.push({
    id: 'rank-latency',
    title: 'rank() latency per plugin',
    type: 'bar',
    xLabel: 'plugin',
    yLabel: 'microseconds per rank() call',
    labels: speedSeries,
    datasets: ['rank_p50_us', 'rank_p99_us'].map((m, i) => ({ label: m, colour: PALETTE[i], data: speedSeries.map((s) => meanOf(byThroughput.get(s)!, m)) })),
    note: 'Measured with tinybench replaying sessions of the last round.',
  })

  const columns = [...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => m.name)
  const table = series.map((s) => {
    const rows = groupBy(summary, seriesName).get(s)!
    const speed = byThroughput.get(s)
    return { name: s, seeds: rows.length, values: columns.map((c) => (c in rows[0] ? meanOf(rows, c) : speed && c in speed[0] ? meanOf(speed, c) : NaN)) }
  })
  const scenario = summary[0]?.scenario ?? ''
  return { scenario, series, charts, summary: { columns, rows: table }, facts: facts.length ? { columns: Object.keys(facts[0]), rows: facts.map((f) => Object.values(f)) } : null }
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
// JSON inside <script>: no "</script>" can close the element early.
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c')

export function renderReport(files: Record<string, string>): string {
  const data = reportData(files)
  const manifest = files['manifest.json'] ? JSON.parse(files['manifest.json']) : null
  const number = (x: number) => (Number.isNaN(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(4))))
  const summaryTable = `<table><thead><tr><th>algorithm</th><th>seeds</th>${data.summary.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${data.summary.rows
    .map((r) => `<tr><td>${escapeHtml(r.name)}</td><td>${r.seeds}</td>${r.values.map((v) => `<td>${number(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
  const factsTable = data.facts
    ? `<h2>Stylized facts</h2><table><thead><tr>${data.facts.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${data.facts.rows
        .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : ''
  const figure = (c: ChartSpec) => `<figure><h3>${escapeHtml(c.title)}</h3><div class="chart"><canvas id="${c.id}"></canvas></div><figcaption>${escapeHtml(c.note)}</figcaption></figure>`
  const section = (title: string, ids: string[]) => `<h2>${title}</h2><div class="grid">${data.charts.filter((c) => ids.includes(c.id)).map(figure).join('')}</div>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trafficbench report: ${escapeHtml(data.scenario)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:16px 24px;color:#222}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:14px;margin:0 0 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
figure{margin:0;padding:12px;border:1px solid #e3e3e3;border-radius:6px;background:#fff}
.chart{position:relative;height:320px}figcaption{color:#555;font-size:12px;margin-top:6px}
table{border-collapse:collapse;font-size:12px;display:block;overflow-x:auto}th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f5f5f5}.meta{color:#555}
</style></head><body>
<h1>trafficbench report — scenario ${escapeHtml(data.scenario)}</h1>
<p class="meta">${manifest ? `Command: <code>${escapeHtml(manifest.command)}</code>; seeds ${escapeHtml(JSON.stringify(manifest.seeds))}. ` : ''}Values are means over seeds; definitions in bench/METRICS.md.</p>
<h2>Summary</h2>${summaryTable}
${section('Sellers: who gets exposure', ['lorenz-exposure', 'new-seller-share', 'small-seller-share'])}
${section('Three sides: sellers, buyers, platform', ['side-sellers', 'side-buyers', 'side-platform'])}
${section('Platform money over time', ['cpc', 'gmv'])}
${section('Speed', ['throughput', 'rank-latency'])}
${factsTable}
<script>${chartJs()}</script>
<script>
const CHARTS = ${scriptJson(data.charts)};
Chart.defaults.animation = false;
for (const spec of CHARTS) {
  const line = spec.type === 'line';
  const datasets = spec.datasets.map((d) => ({ label: d.label, data: d.data, borderColor: d.colour, backgroundColor: d.colour, borderDash: d.dashed ? [6, 4] : [], pointRadius: 0, borderWidth: 2 }));
  const axis = (text, extra) => Object.assign({ title: { display: true, text } }, extra || {});
  new Chart(document.getElementById(spec.id), {
    type: spec.type,
    data: line ? { datasets } : { labels: spec.labels, datasets },
    options: {
      maintainAspectRatio: false,
      parsing: line ? { xAxisKey: 'x', yAxisKey: 'y' } : undefined,
      scales: { x: axis(spec.xLabel, line ? { type: 'linear' } : {}), y: axis(spec.yLabel, { beginAtZero: true }) },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}
</script>
</body></html>
`
}
