import { escapeHtml } from '../page.ts'
import { type CsvRow, formatNumber, groupBy } from '../report-rows.ts'

/**
 * The robustness map of facts_map.csv (bench facts --vary) as a matrix: one row per fact, one column per point of the
 * map (the base first, then each changed setting), each cell whether the fact holds there and by what margin. The
 * report draws it as a heatmap; the command prints it as a table; robustnessLines says which facts hold everywhere
 * and, for each fragile one, the settings at which it fails.
 */

export interface MapCell {
  holds: string
  margin: string
  low: string
  high: string
  seedsHolding: string
  seeds: string
}

export interface FactsMapMatrix {
  /** Column labels: "base", then each point's changed settings. */
  columns: string[]
  rows: { id: string; cells: (MapCell | null)[] }[]
}

const label = (changed: string) => changed || 'base'

export function factsMapMatrix(rows: readonly CsvRow[]): FactsMapMatrix {
  const points = [...new Set(rows.map((r) => r.scenario))]
  const byFact = groupBy(rows, (r) => r.id)
  const changedOf = new Map(rows.map((r) => [r.scenario, r.changed]))
  return {
    columns: points.map((p) => label(changedOf.get(p) ?? '')),
    rows: [...byFact].map(([id, factRows]) => ({
      id,
      cells: points.map((p) => {
        const r = factRows.find((row) => row.scenario === p)
        return r
          ? {
              holds: r.holds,
              margin: r.margin,
              low: r.margin_ci_low,
              high: r.margin_ci_high,
              seedsHolding: r.seeds_holding,
              seeds: r.seeds,
            }
          : null
      }),
    })),
  }
}

const verdict = (holds: string) => (holds === 'n/a' ? 'n/a' : holds.startsWith('yes') ? 'holds' : 'fails')
const signed = (x: string) => (x === '' ? '' : `${Number(x) >= 0 ? '+' : ''}${formatNumber(Number(x))}`)

/** A cell in words for a terminal table: ✓ or ✗ and the margin, or n/a. */
export function cellText(cell: MapCell | null): string {
  if (!cell) return ''
  const v = verdict(cell.holds)
  if (v === 'n/a') return 'n/a'
  return `${v === 'holds' ? '✓' : '✗'}${cell.margin === '' ? '' : ` ${signed(cell.margin)}`}`
}

/** Which facts hold at every point where they apply, and for each other one where it fails (or does not apply). */
export function robustnessLines(matrix: FactsMapMatrix): string[] {
  return matrix.rows.map(({ id, cells }) => {
    const at = (want: string) => matrix.columns.filter((_, i) => cells[i] && verdict(cells[i]!.holds) === want)
    const fails = at('fails')
    const na = at('n/a')
    const naText = na.length && na.length < matrix.columns.length ? `; not applicable at ${na.join(', ')}` : ''
    if (na.length === matrix.columns.length) return `${id}: not applicable at any point`
    if (fails.length === 0) return `${id}: holds at every point${naText}`
    return `${id}: fails at ${fails.join(', ')}${naText}`
  })
}

/** The heatmap: green where a fact holds (deeper with a wider margin), red where it fails, grey: not applicable. */
export function factsMapHtml(rows: readonly CsvRow[]): string {
  const matrix = factsMapMatrix(rows)
  const shade = (cell: MapCell | null) => {
    if (!cell) return '#fff'
    const v = verdict(cell.holds)
    if (v === 'n/a') return '#eee'
    const strength = Math.min(1, Math.abs(Number(cell.margin) || 0) / 0.5)
    const light = Math.round(92 - 30 * strength)
    return v === 'holds' ? `hsl(120,45%,${light}%)` : `hsl(0,65%,${light}%)`
  }
  const title = (cell: MapCell | null) =>
    cell && cell.low !== ''
      ? `95% interval [${formatNumber(Number(cell.low))}, ${formatNumber(Number(cell.high))}]; holds on ` +
        `${cell.seedsHolding} of ${cell.seeds} seeds alone`
      : ''
  const head = `<tr><th>fact</th>${matrix.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`
  const body = matrix.rows
    .map(
      ({ id, cells }) =>
        `<tr><td>${escapeHtml(id)}</td>${cells
          .map(
            (cell) =>
              `<td style="background:${shade(cell)}" title="${escapeHtml(title(cell))}">` +
              `${escapeHtml(cellText(cell))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('')
  const lines = robustnessLines(matrix).map((l) => `<li>${escapeHtml(l)}</li>`)
  return (
    '<h2>Robustness map</h2><p class="meta">Each column re-checks the facts with the settings it names moved ' +
    '(bench facts --vary); the cell gives whether the fact holds there and its margin (green holds, red fails, ' +
    'deeper with a wider margin, grey not applicable; hover for the 95% interval over seeds and the seeds on ' +
    `which it holds alone).</p><table class="heatmap"><thead>${head}</thead><tbody>${body}</tbody></table>` +
    `<ul>${lines.join('')}</ul>`
  )
}
