import { type Comparison, type ComparisonRow, describePair, letter, type Verdict } from './compare.ts'
import { comparisonTable, methodLines } from './compare-format.ts'
import type { GateResult } from './gates.ts'
import { type ChartSpec, escapeHtml, figure, page, table } from './page.ts'

/**
 * The page `bench compare … --html FILE` writes: per compared pair of rows a forest plot of every
 * metric's relative difference with its 95% CI, coloured by verdict, then the gates and the full
 * table. Self-contained like report.html.
 */

/** Δ% beyond which a metric's bar is cut at the axis edge (its label says so). */
const OFF_SCALE = 100
const VERDICT_COLOURS: Record<Verdict, string> = {
  better: '#2ca02c',
  worse: '#d62728',
  changed: '#ff7f0e',
  'no significant change': '#9e9e9e',
  'too few seeds': '#cccccc',
  'no values': '#cccccc',
  'within noise': '#9e9e9e',
  'not enough timing samples': '#cccccc',
}

/**
 * Δ% with the interval its verdict rests on (Holm-adjusted; raw 95% for timing rows) as {x, xMin, xMax} in percent,
 * for the rows where the baseline mean is not 0.
 */
function relative(r: ComparisonRow) {
  const base = Math.abs(r.baseline.estimate?.mean ?? NaN)
  const ci = r.ciAdjusted ?? r.ci
  if (!r.test || !ci || !(base > 0)) return null
  return { x: (100 * r.test.diff) / base, xMin: (100 * ci[0]) / base, xMax: (100 * ci[1]) / base }
}

export function comparisonCharts(c: Comparison): ChartSpec[] {
  const byPair = new Map<string, ComparisonRow[]>()
  const name = (r: ComparisonRow) => describePair(r, c.inputs.length > 1)
  for (const r of c.rows) byPair.set(name(r), [...(byPair.get(name(r)) ?? []), r])
  return [...byPair.entries()].map(([pair, rows], i) => {
    const shown = rows.map((r) => ({ r, v: relative(r) })).filter((x) => x.v !== null)
    const left = rows.length - shown.length
    const leftOut = left
      ? `${left} metric${left > 1 ? 's' : ''} without a relative difference (baseline mean 0 or no test) left out.`
      : ''
    // Metrics with a baseline mean near 0 have huge relative changes: keep the axis to the others' scale and say which
    // bars are cut.
    const inScale = shown.flatMap((x) => [x.v!.x, x.v!.xMin, x.v!.xMax].map(Math.abs)).filter((m) => m <= OFF_SCALE)
    const scale = Math.ceil(Math.max(1, ...inScale) / 10) * 10
    const label = (x: (typeof shown)[number]) =>
      Math.abs(x.v!.x) > scale ? `${x.r.metric} (cut: ${x.v!.x >= 0 ? '+' : ''}${x.v!.x.toFixed(0)}%)` : x.r.metric
    return {
      id: `pair-${i}`,
      title: pair,
      type: 'bar',
      horizontal: true,
      xLabel: "Δ% against the baseline mean (the verdict's interval: Holm-adjusted)",
      yLabel: 'metric',
      labels: shown.map(label),
      range: [-scale, scale],
      datasets: [
        {
          label: 'Δ%',
          colour: '#9e9e9e',
          colours: shown.map((x) => VERDICT_COLOURS[x.r.verdict]),
          data: shown.map((x) => x.v!),
        },
      ],
      note:
        'Green better, red worse, orange changed (no good direction), grey no significant change or within noise; ' +
        'outside timing, whiskers cross 0 exactly when grey. ' +
        `Bars and whiskers beyond ±${scale}% are cut at the edge. ${leftOut}`,
    }
  })
}

export function renderComparison(c: Comparison, gates: GateResult[]): string {
  const charts = comparisonCharts(c)
  const inputs = c.inputs
    .map(
      (x, i) => `<li><b>${letter(i)}</b> = ${escapeHtml(x.label)}${x.kind === 'simulation' ? '' : ` [${x.kind}]`}</li>`,
    )
    .join('')
  const gateTable = gates.length
    ? `<h2>Gates (--fail-on)</h2>${table(
        ['gate', 'status', 'why'],
        gates.map((g) => [g.gate.spec, g.status, g.reason]),
        (i) => gates[i].status,
      )}`
    : ''
  const { header, rows } = comparisonTable(c, false)
  const notes = c.notes.length
    ? `<h2>Notes</h2><ul>${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : ''
  const figures = charts.map((chart) => figure(chart, 80 + 22 * (chart.labels?.length ?? 1))).join('')
  const body = `<h1>trafficbench comparison</h1>
<ul class="meta">${inputs}</ul>
${[...methodLines(c), ...c.comparability.map((l) => `Not the ranking alone: ${l}`)]
  .map((l) => `<p class="meta">${escapeHtml(l)}</p>`)
  .join('')}
${gateTable}
<h2>Differences against the baseline</h2><div class="grid">${figures}</div>
<h2>All rows</h2>${table(header, rows, (i) => c.rows[i].verdict.replace(/ /g, '-'))}
${notes}`
  return page('trafficbench comparison', body, charts)
}
