import { parse } from 'csv-parse/sync'
import { unescapeCell } from '../../core/csv.ts'
import { ROUND_METRICS, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { type ChartSpec, escapeHtml, figure, PALETTE, page, table } from './page.ts'
import { type Estimate, estimate } from './stats.ts'

/**
 * report.html: one self-contained page built from a results folder's files. `bench run` writes it;
 * `bench report DIR` rebuilds it. Every per-algorithm value is a mean over seeds with its 95%
 * confidence interval (bars, bands or whiskers); a folder holding several scenarios (the facts run:
 * `default` and `default+black-friday`) shows each separately.
 */

type CsvRow = Record<string, string>
const LORENZ_POINTS = 100
/** The trade-off plot: fairness to sellers against the platform's sales, one point per algorithm/variant. */
const TRADE_OFF = { x: 'gini_exposure', y: 'gmv' }

function groupBy(rows: CsvRow[], key: (r: CsvRow) => string): Map<string, CsvRow[]> {
  const groups = new Map<string, CsvRow[]>()
  for (const r of rows) {
    const k = key(r)
    const group = groups.get(k)
    if (group) group.push(r)
    else groups.set(k, [r])
  }
  return groups
}

/** The seeds' values of a column; an empty cell is a value the row does not have. */
const valuesOf = (rows: CsvRow[], column: string) =>
  rows.filter((r) => r[column] !== undefined && r[column] !== '').map((r) => Number(r[column]))
const estimateOf = (rows: CsvRow[], column: string): Estimate => estimate(valuesOf(rows, column))
/** {y, yMin, yMax}: the mean and its 95% CI (no whisker with one seed). */
const withInterval = (e: Estimate) =>
  Number.isNaN(e.halfWidth)
    ? { y: e.mean, yMin: e.mean, yMax: e.mean }
    : { y: e.mean, yMin: e.mean - e.halfWidth, yMax: e.mean + e.halfWidth }

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
function meanCurve(curves: { x: number; y: number }[][]) {
  const at = curves[0]?.map((p, i) => ({ x: p.x, e: estimate(curves.map((c) => c[i].y)) })) ?? []
  const band = at.every((p) => !Number.isNaN(p.e.halfWidth))
    ? at.map((p) => ({ x: p.x, low: p.e.mean - p.e.halfWidth, high: p.e.mean + p.e.halfWidth }))
    : undefined
  return { data: at.map((p) => ({ x: p.x, y: p.e.mean })), band }
}

/** The charts and tables of the report, as plain data. */
export function reportData(files: Record<string, string>) {
  // Text cells the kit escaped for spreadsheets (a leading ') are shown as they were.
  const read = (name: string): CsvRow[] =>
    files[name] ? parse(files[name], { columns: true, cast: unescapeCell }) : []
  const summary = read('summary.csv')
  const rounds = read('rounds.csv')
  const sellers = read('sellers.csv')
  const throughput = read('throughput.csv')
  const facts = read('facts.csv')
  const scenarios = [...new Set(summary.map((r) => r.scenario))]
  // The algorithm, its sweep variant when there is one, and its scenario when the folder holds several.
  const seriesName = (row: CsvRow) =>
    (row.variant ? `${row.algorithm} (${row.variant})` : row.algorithm) +
    (scenarios.length > 1 ? ` [${row.scenario}]` : '')
  const series = [...groupBy(summary, seriesName).keys()]
  // One colour per series, the same in every chart.
  const colour = (name: string) => PALETTE[Math.max(0, series.indexOf(name)) % PALETTE.length]
  const perSeed = (rows: CsvRow[]) => [...groupBy(rows, (r) => r.seed).values()]
  const charts: ChartSpec[] = []

  // Sellers: how unequal is exposure? One curve per seed's market, averaged.
  const sellersBySeries = groupBy(sellers, seriesName)
  charts.push({
    id: 'lorenz-exposure',
    title: 'Lorenz curves of seller exposure',
    type: 'line',
    xLabel: 'share of sellers, least exposed first',
    yLabel: 'share of all exposure',
    datasets: [
      {
        label: 'perfect equality',
        data: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        colour: '#999',
        dashed: true,
      },
      ...series.map((s) => ({
        label: s,
        colour: colour(s),
        ...meanCurve(perSeed(sellersBySeries.get(s) ?? []).map((rows) => lorenzCurve(valuesOf(rows, 'exposure')))),
      })),
    ],
    note:
      'The further below the diagonal, the more exposure goes to few sellers (gini_exposure is twice the area ' +
      "between). Mean of the seeds' curves; the band is its 95% CI.",
  })

  const roundsBySeries = groupBy(rounds, seriesName)
  /** dropFlat: leave out series that are 0 throughout (e.g. CPC of platforms without ads). */
  const roundChart = (id: string, column: string, title: string, yLabel: string, dropFlat = false) => {
    const def = ROUND_METRICS.find((m) => m.name === column)
    const datasets = series
      .map((s) => {
        const byRound = [...groupBy(roundsBySeries.get(s) ?? [], (r) => r.round).entries()].map(([round, rows]) => ({
          x: Number(round),
          e: estimateOf(rows, column),
        }))
        const band = byRound.every((p) => !Number.isNaN(p.e.halfWidth))
          ? byRound.map((p) => ({ x: p.x, low: p.e.mean - p.e.halfWidth, high: p.e.mean + p.e.halfWidth }))
          : undefined
        return { label: s, colour: colour(s), data: byRound.map((p) => ({ x: p.x, y: p.e.mean })), band }
      })
      .filter((d) => !dropFlat || d.data.some((p) => p.y !== 0))
    const omitted =
      dropFlat && datasets.length < series.length ? ' Platforms without sponsored clicks are left out.' : ''
    charts.push({
      id,
      title,
      type: 'line',
      xLabel: 'round (day)',
      yLabel,
      datasets,
      note: `${column}: ${def?.definition ?? ''} Mean over seeds; the band is its 95% CI.${omitted}`,
    })
  }
  roundChart(
    'new-seller-share',
    'new_seller_exposure_share',
    'Exposure share of new sellers (entrants), by round',
    'share of exposure (0–1)',
  )
  roundChart(
    'small-seller-share',
    'small_seller_exposure_share',
    'Exposure share of small sellers, by round',
    'share of exposure (0–1)',
  )
  roundChart('cpc', 'avg_cpc', 'Average CPC, by round', 'dollars per sponsored click', true)
  roundChart('gmv', 'gmv', 'GMV, by round', 'dollars')

  // The three sides: each a bar chart of share-valued metrics, one bar per series.
  const summaryBySeries = groupBy(summary, seriesName)
  const sideChart = (id: string, title: string, metrics: string[]) => {
    const definitions = metrics.map((m) => `${m}: ${SUMMARY_METRICS.find((d) => d.name === m)?.definition}`)
    charts.push({
      id,
      title,
      type: 'bar',
      xLabel: 'metric',
      yLabel: 'value (0–1), mean over seeds',
      labels: metrics,
      datasets: series.map((s) => ({
        label: s,
        colour: colour(s),
        data: metrics.map((m) => withInterval(estimateOf(summaryBySeries.get(s)!, m))),
      })),
      note: `Whiskers: 95% CI across seeds. ${definitions.join(' ')}`,
    })
  }
  sideChart('side-sellers', 'Sellers', [
    'gini_exposure',
    'top10_exposure_share',
    'new_seller_exposure_share',
    'small_seller_revenue_share',
    'seller_survival_rate',
  ])
  sideChart('side-buyers', 'Buyers', ['conversion_rate', 'ndcg_at_10'])
  sideChart('side-platform', 'Platform', ['take_rate', 'sponsored_impression_share', 'zero_ad_seller_exposure_share'])

  // Trade-off: each algorithm/variant a point with whiskers both ways (as ann-benchmarks plots recall against speed).
  charts.push({
    id: 'tradeoff',
    title: `Trade-off: ${TRADE_OFF.x} against ${TRADE_OFF.y}`,
    type: 'scatter',
    xLabel: `${TRADE_OFF.x} (lower is fairer to sellers)`,
    yLabel: `${TRADE_OFF.y} (dollars, higher is more sales)`,
    datasets: series.map((s) => {
      const [x, y] = [TRADE_OFF.x, TRADE_OFF.y].map((m) => withInterval(estimateOf(summaryBySeries.get(s)!, m)))
      return { label: s, colour: colour(s), data: [{ x: x.y, xMin: x.yMin, xMax: x.yMax, ...y }] }
    }),
    note:
      'One point per algorithm/variant: the mean over seeds, whiskers the 95% CI on each axis. ' +
      'Up and to the left is better on both; points on the upper-left frontier are the efficient trade-offs.',
  })

  const throughputBySeries = groupBy(throughput, seriesName)
  const speedSeries = [...throughputBySeries.keys()]
  charts.push({
    id: 'throughput',
    title: 'Simulation speed per plugin',
    type: 'bar',
    xLabel: 'plugin',
    yLabel: 'sessions per second',
    labels: speedSeries,
    datasets: [
      {
        label: 'sessions_per_sec',
        colour: PALETTE[0],
        data: speedSeries.map((s) => withInterval(estimateOf(throughputBySeries.get(s)!, 'sessions_per_sec'))),
      },
    ],
    note:
      'Whole-engine sessions per second of wall time (not deterministic; machine-dependent). ' +
      'Whiskers: 95% CI across seeds.',
  })
  charts.push({
    id: 'rank-latency',
    title: 'rank() latency per plugin',
    type: 'bar',
    xLabel: 'plugin',
    yLabel: 'microseconds per rank() call',
    labels: speedSeries,
    datasets: ['rank_p50_us', 'rank_p99_us'].map((m, i) => ({
      label: m,
      colour: PALETTE[i],
      data: speedSeries.map((s) => withInterval(estimateOf(throughputBySeries.get(s)!, m))),
    })),
    note: 'Measured with tinybench replaying sessions of the last round. Whiskers: 95% CI across seeds.',
  })

  const columns = [...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => m.name)
  const tables = scenarios.map((scenario) => ({
    scenario,
    rows: series
      .filter((s) => summaryBySeries.get(s)![0].scenario === scenario)
      .map((s) => {
        const rows = summaryBySeries.get(s)!
        const speed = throughputBySeries.get(s)
        const source = (c: string) => (c in rows[0] ? rows : speed && c in speed[0] ? speed : [])
        return { name: s, seeds: rows.length, values: columns.map((c) => estimateOf(source(c), c).mean) }
      }),
  }))
  return {
    scenarios,
    series,
    charts,
    summary: { columns, tables },
    facts: facts.length ? { columns: Object.keys(facts[0]), rows: facts.map((f) => Object.values(f)) } : null,
  }
}

const number = (x: number) =>
  Number.isNaN(x) ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(4)))

export function renderReport(files: Record<string, string>): string {
  const data = reportData(files)
  const manifest = files['manifest.json'] ? JSON.parse(files['manifest.json']) : null
  const scenarios = data.scenarios.join(', ')
  const summaryTables = data.summary.tables
    .map(
      (t) =>
        `<h3>scenario ${escapeHtml(t.scenario)}</h3>${table(
          ['algorithm', 'seeds', ...data.summary.columns],
          t.rows.map((r) => [r.name, String(r.seeds), ...r.values.map(number)]),
        )}`,
    )
    .join('')
  const factsTable = data.facts ? `<h2>Stylized facts</h2>${table(data.facts.columns, data.facts.rows)}` : ''
  const section = (title: string, ids: string[]) =>
    `<h2>${title}</h2><div class="grid">${data.charts
      .filter((c) => ids.includes(c.id))
      .map((c) => figure(c))
      .join('')}</div>`
  const commandLine = manifest?.command
    ? `Command: <code>${escapeHtml(String(manifest.command))}</code>; ` +
      `seeds ${escapeHtml(JSON.stringify(manifest.seeds))}. `
    : ''
  const plural = data.scenarios.length > 1 ? 's' : ''
  const reading =
    'Values are means over seeds; bars, bands and whiskers are 95% confidence intervals across seeds; ' +
    'definitions in bench/METRICS.md.'
  const body = `<h1>trafficbench report — scenario${plural} ${escapeHtml(scenarios)}</h1>
<p class="meta">${commandLine}${reading}</p>
<h2>Summary</h2>${summaryTables}
${section('Sellers: who gets exposure', ['lorenz-exposure', 'new-seller-share', 'small-seller-share'])}
${section('Three sides: sellers, buyers, platform', ['side-sellers', 'side-buyers', 'side-platform', 'tradeoff'])}
${section('Platform money over time', ['cpc', 'gmv'])}
${section('Speed', ['throughput', 'rank-latency'])}
${factsTable}${opeTable(files['ope.csv'])}`
  return page(`trafficbench report: ${scenarios}`, body, data.charts)
}

/** bench rerank's off-policy estimates (ope.csv), as a table: each plugin, metric and estimator with its interval. */
function opeTable(opeCsv: string | undefined): string {
  if (!opeCsv) return ''
  const rows: CsvRow[] = parse(opeCsv, { columns: true, cast: unescapeCell })
  const name = (r: CsvRow) => (r.variant ? `${r.algorithm} (${r.variant})` : r.algorithm)
  return (
    '<h2>Off-policy estimates on the logged sessions</h2><p class="meta">dm: the calibrated click model; iips, ' +
    "snips: importance-weighted by the log's propensities; 95% bootstrap intervals over sessions (definitions in " +
    'bench/METRICS.md).</p>' +
    table(
      ['algorithm', 'metric', 'estimator', 'value', '95% CI', 'sessions'],
      rows.map((r) => [
        name(r),
        r.metric,
        r.estimator,
        number(Number(r.value)),
        r.ci_low === '' ? '' : `[${number(Number(r.ci_low))}, ${number(Number(r.ci_high))}]`,
        r.n,
      ]),
    )
  )
}
