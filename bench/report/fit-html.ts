import { parse } from 'csv-parse/sync'
import { unescapeCell } from '../../core/csv.ts'
import { type ChartSpec, escapeHtml, figure, PALETTE, page, table } from './page.ts'

/** A row of fit.csv as read back. */
type FitCsvRow = { quantity: string; key: string; value: string; std_error: string; n: string }

const Z95 = 1.959964

/**
 * The fit section of a calibration's report.html (bench calibrate): the click rate by position as
 * logged and as the fitted model predicts it, the fitted examination curve with its 95% interval
 * (± 1.96 bootstrap standard errors), and the conversion and traffic quantities as a table.
 */
export function fitSection(fitCsv: string): { html: string; charts: ChartSpec[] } {
  const rows: FitCsvRow[] = parse(fitCsv, { columns: true, cast: unescapeCell })
  const of = (quantity: string) => rows.filter((r) => r.quantity === quantity)
  const byPosition = (quantity: string, withInterval: boolean) =>
    of(quantity).map((r) => {
      const y = Number(r.value)
      const se = r.std_error === '' ? 0 : Number(r.std_error)
      return withInterval ? { x: Number(r.key), y, yMin: y - Z95 * se, yMax: y + Z95 * se } : { x: Number(r.key), y }
    })
  const charts: ChartSpec[] = [
    {
      id: 'fit-click-rate',
      title: 'Click rate by position: logged and fitted',
      type: 'scatter',
      xLabel: 'position',
      yLabel: 'clicks / impressions',
      zero: true,
      datasets: [
        { label: 'logged', data: byPosition('click_rate', true), colour: PALETTE[0] },
        {
          label: 'fitted (examination × mean attractiveness shown)',
          data: byPosition('fitted_click_rate', false),
          colour: PALETTE[1],
        },
      ],
      note:
        'Where the two part, the position-based model does not describe the log (e.g. clicks that depend on ' +
        'what else is shown). Whiskers: 95% bootstrap interval.',
    },
    {
      id: 'fit-examination',
      title: 'Fitted examination curve (position 1 = 1)',
      type: 'scatter',
      xLabel: 'position',
      yLabel: 'examination',
      zero: true,
      datasets: [{ label: 'fitted', data: byPosition('examination', true), colour: PALETTE[2] }],
      note:
        'The scenario.json beside this report runs the simulator with this curve. Whiskers: 95% bootstrap ' +
        'interval.',
    },
  ]
  const shown = rows.filter(
    (r) =>
      !['examination', 'click_rate', 'fitted_click_rate', 'attractiveness', 'product_conversion'].includes(r.quantity),
  )
  const html =
    `<h2>Fit</h2><div class="grid">${charts.map((c) => figure(c)).join('')}</div>` +
    '<h3>Conversion and traffic</h3><p class="meta">Per-product attractiveness and conversion are in fit.csv.</p>' +
    `${table(
      ['quantity', 'key', 'value', 'std_error', 'n'],
      shown.map((r) => [r.quantity, r.key, r.value, r.std_error, r.n]),
    )}`
  return { html, charts }
}

/** The held-out rounds' logged values beside the fitted model's replay of them (validation.csv). */
export function validationSection(validationCsv: string): { html: string; charts: ChartSpec[] } {
  const rows: Record<string, string>[] = parse(validationCsv, { columns: true, cast: unescapeCell })
  const rates = rows.filter((r) => r.quantity === 'click_rate')
  const chart: ChartSpec = {
    id: 'validation-click-rate',
    title: 'Held-out rounds: click rate by position, logged and replayed',
    type: 'scatter',
    xLabel: 'position',
    yLabel: 'clicks / impressions',
    zero: true,
    datasets: [
      {
        label: 'logged (95% interval)',
        data: rates.map((r) => ({
          x: Number(r.key),
          y: Number(r.logged),
          yMin: Number(r.ci_low),
          yMax: Number(r.ci_high),
        })),
        colour: PALETTE[0],
      },
      {
        label: 'calibrated model',
        data: rates.map((r) => ({ x: Number(r.key), y: Number(r.simulated) })),
        colour: PALETTE[1],
      },
    ],
    note: 'The logged order of the held-out sessions, replayed through the buyer fitted on the other rounds.',
  }
  const html =
    `<h2>Validation on held-out rounds</h2><div class="grid">${figure(chart)}</div>` +
    table(
      ['quantity', 'key', 'logged', 'simulated', 'ci_low', 'ci_high', 'outside', 'n'],
      rows.map((r) => [r.quantity, r.key, r.logged, r.simulated, r.ci_low, r.ci_high, r.outside, r.n]),
      (i) => (rows[i].outside === '1' ? 'worse' : ''),
    )
  return { html, charts: [chart] }
}

/** report.html of a calibration folder: what was fitted, from which log, and how it held on held-out rounds. */
export function renderFitReport(
  fitCsv: string,
  validationCsv: string | undefined,
  title: string,
  notes: readonly string[],
): string {
  const fit = fitSection(fitCsv)
  const validation = validationCsv ? validationSection(validationCsv) : { html: '', charts: [] }
  const html = fit.html + validation.html
  const charts = [...fit.charts, ...validation.charts]
  const meta = notes.map((n) => `<p class="meta">${escapeHtml(n)}</p>`).join('')
  const body = `<h1>${escapeHtml(title)}</h1>${meta}${html}`
  return page(title, body, charts)
}
