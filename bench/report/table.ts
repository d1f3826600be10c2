/**
 * Rows grouped by a key column, in first-seen order, numeric columns averaged (means over seeds).
 * An empty cell (a rate over an empty group, an unmeasured figure) is left out of its column's mean;
 * a column empty in every row stays empty.
 */
export function meanBy(rows: readonly Row[], key: string): Row[] {
  const groups = new Map<string | number, Row[]>()
  for (const row of rows) {
    const group = groups.get(row[key])
    if (group) group.push(row)
    else groups.set(row[key], [row])
  }
  return [...groups.values()].map((group) => {
    const out: Row = { ...group[0] }
    for (const column of Object.keys(group[0])) {
      if (column === key) continue
      const values = group.map((r) => r[column]).filter((v): v is number => typeof v === 'number')
      if (values.length > 0) out[column] = values.reduce((s, v) => s + v, 0) / values.length
    }
    return out
  })
}

/** A plain-text table for the terminal: numbers to 4 significant digits and right-aligned, text left-aligned. */
export function formatTable(columns: readonly string[], rows: readonly Row[]): string {
  const cell = (v: string | number | undefined) => (v === undefined ? '' : typeof v === 'number' ? formatShort(v) : v)
  const cells = rows.map((r) => columns.map((c) => cell(r[c])))
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'))
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line([...columns]), ...cells.map(line)].join('\n')
}

function formatShort(x: number): string {
  if (Number.isInteger(x)) return String(x)
  if (Math.abs(x) >= 1000) return x.toFixed(0)
  return String(Number(x.toPrecision(4)))
}

import type { Row } from '../../core/csv.ts'
