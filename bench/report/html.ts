import { SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { baselineFigure, resolveBaseline } from './charts/baseline.ts'
import { factsMapHtml } from './charts/facts-map.ts'
import { meritFigure } from './charts/merit.ts'
import { roundsFigure } from './charts/rounds.ts'
import { readSellerRounds } from './charts/seller-shares.ts'
import { sellersOverTime } from './charts/sellers-over-time.ts'
import { lorenzChart, sideFigures, tradeOffChart } from './charts/sides.ts'
import { speedCharts } from './charts/speed.ts'
import { sweepFigures } from './charts/sweep.ts'
import { type ChartSpec, escapeHtml, type FigureSpec, figure, page, panelFigure, table } from './page.ts'
import { type CsvRow, estimateOf, formatNumber, groupBy, readRows, reportContext } from './report-rows.ts'

export { lorenzCurve } from './charts/sides.ts'

/**
 * report.html: one self-contained page built from a results folder's files. `bench run` writes it;
 * `bench report DIR` rebuilds it (with --baseline, a difference panel too). Per-algorithm values are means over seeds
 * with their 95% interval over seeds when there are two or more; a folder holding several scenarios (the facts run:
 * `default` and `default+black-friday`) shows each separately. Every chart builder sits in charts/, one job each.
 */

export interface ReportOptions {
  /** ALGO or ALGO:VARIANT: add each row's difference from this row, paired on seeds. */
  baseline?: string
}

const HOW_TO_GET_SELLER_ROUNDS =
  'Sellers over time need seller_rounds.csv, which this folder does not have: ' +
  'run <code>bench run --seller-rounds</code>.'
const HOW_TO_GET_MERIT =
  'Exposure against merit needs the merit column of sellers.csv, ' +
  'which only a simulation by <code>bench run</code> writes.'

/** The charts and tables of the report, as plain data. */
export function reportData(files: Record<string, string>, options: ReportOptions = {}) {
  const summary = readRows(files['summary.csv'])
  const rounds = readRows(files['rounds.csv'])
  const sellers = readRows(files['sellers.csv'])
  const throughput = readRows(files['throughput.csv'])
  const facts = readRows(files['facts.csv'])
  const scenarios = [...new Set(summary.map((r) => r.scenario))]
  const ctx = reportContext(summary)
  // A bad --baseline fails before anything is drawn.
  const baseline = options.baseline ? resolveBaseline(summary, options.baseline) : null
  const sellerRounds = files['seller_rounds.csv'] ? readSellerRounds(files['seller_rounds.csv'], ctx.seriesName) : null
  const overTime = sellerRounds?.length ? sellersOverTime(ctx, sellerRounds, sellers) : null
  const speed = speedCharts(ctx, throughput)
  const charts: ChartSpec[] = [lorenzChart(ctx, sellers), tradeOffChart(ctx, summary), ...speed.charts]
  const [sellerSide, ...otherSides] = sideFigures(ctx, summary)
  const figures: Record<string, FigureSpec[]> = {
    sellers: [sellerSide],
    overTime: overTime?.figures ?? [],
    merit: [meritFigure(ctx, sellers, summary)].filter((f) => f !== null),
    rounds: [roundsFigure(ctx, rounds)].filter((f) => f !== null),
    sides: otherSides,
    sweeps: sweepFigures(ctx, summary, scenarios.length),
    baseline: baseline ? [baselineFigure(ctx, summary, baseline)] : [],
    speed: speed.figure ? [speed.figure] : [],
  }

  const columns = [...SUMMARY_METRICS, ...THROUGHPUT_METRICS].map((m) => m.name)
  const summaryBySeries = groupBy(summary, ctx.seriesName)
  const throughputBySeries = groupBy(throughput, ctx.seriesName)
  const tables = scenarios.map((scenario) => ({
    scenario,
    rows: ctx.series
      .filter((s) => summaryBySeries.get(s)![0].scenario === scenario)
      .map((s) => {
        const rows = summaryBySeries.get(s)!
        const speedRows = throughputBySeries.get(s)
        const source = (c: string) => (c in rows[0] ? rows : speedRows && c in speedRows[0] ? speedRows : [])
        return { name: s, seeds: rows.length, values: columns.map((c) => estimateOf(source(c), c).mean) }
      }),
  }))
  return {
    scenarios,
    series: ctx.series,
    seeds: ctx.seeds,
    charts,
    figures,
    /** Lines (HTML) for what the folder cannot show, and the movers table. */
    html: {
      overTime: overTime ? overTime.html : `<p class="meta">${HOW_TO_GET_SELLER_ROUNDS}</p>`,
      merit: figures.merit.length ? '' : `<p class="meta">${HOW_TO_GET_MERIT}</p>`,
      speed: speed.missing ? `<p class="meta">${escapeHtml(speed.missing)}</p>` : '',
    },
    summary: { columns, tables },
    facts: facts.length ? { columns: Object.keys(facts[0]), rows: facts.map((f) => Object.values(f)) } : null,
  }
}

export function renderReport(files: Record<string, string>, options: ReportOptions = {}): string {
  const data = reportData(files, options)
  const manifest = files['manifest.json'] ? JSON.parse(files['manifest.json']) : null
  const scenarios = data.scenarios.join(', ')
  const summaryTables = data.summary.tables
    .map(
      (t) =>
        `<h3>scenario ${escapeHtml(t.scenario)}</h3>${table(
          ['algorithm', 'seeds', ...data.summary.columns],
          t.rows.map((r) => [r.name, String(r.seeds), ...r.values.map(formatNumber)]),
        )}`,
    )
    .join('')
  const factsTable = data.facts ? `<h2>Stylized facts</h2>${table(data.facts.columns, data.facts.rows)}` : ''
  const grid = (ids: string[]) =>
    `<div class="grid">${data.charts
      .filter((c) => ids.includes(c.id))
      .map((c) => figure(c))
      .join('')}</div>`
  const figures = (key: string) => data.figures[key].map(panelFigure).join('')
  const section = (title: string, content: string) => (content ? `<h2>${title}</h2>${content}` : '')
  const commandLine = manifest?.command
    ? `Command: <code>${escapeHtml(String(manifest.command))}</code>; ` +
      `seeds ${escapeHtml(JSON.stringify(manifest.seeds))}. `
    : ''
  const plural = data.scenarios.length > 1 ? 's' : ''
  const spread =
    data.seeds.max < 2
      ? 'one seed: no interval'
      : `bands and whiskers are 95% intervals of the mean over the ${data.seeds.max} seeds`
  const reading = `Values are means over seeds; ${spread}; definitions in bench/METRICS.md.`
  const body = `<h1>trafficbench report — scenario${plural} ${escapeHtml(scenarios)}</h1>
<p class="meta">${commandLine}${reading}</p>
<h2>Summary</h2>${summaryTables}
${section('Sellers: who gets exposure', grid(['lorenz-exposure']) + figures('sellers'))}
${section('Sellers over time', figures('overTime') + data.html.overTime)}
${section('Exposure against merit', figures('merit') + data.html.merit)}
${section('Round by round', figures('rounds'))}
${section('Buyers and platform', figures('sides') + grid(['tradeoff']))}
${section('Sweeps', figures('sweeps'))}
${section('Difference from the baseline', figures('baseline'))}
${section('Speed', grid(['throughput']) + figures('speed') + data.html.speed)}
${factsTable}${factsMap(files['facts_map.csv'])}${opeTable(files['ope.csv'])}`
  const panels = Object.values(data.figures).flatMap((list) => list.flatMap((f) => f.panels))
  return page(`trafficbench report: ${scenarios}`, body, [...data.charts, ...panels])
}

/** bench facts --vary's robustness map (facts_map.csv) as a heatmap. */
const factsMap = (csv: string | undefined) => (csv ? factsMapHtml(readRows(csv)) : '')

/** bench rerank's off-policy estimates (ope.csv), as a table: each plugin, metric and estimator with its interval. */
function opeTable(opeCsv: string | undefined): string {
  if (!opeCsv) return ''
  const rows: CsvRow[] = readRows(opeCsv)
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
        formatNumber(Number(r.value)),
        r.ci_low === '' ? '' : `[${formatNumber(Number(r.ci_low))}, ${formatNumber(Number(r.ci_high))}]`,
        r.n,
      ]),
    )
  )
}
