import type { Row } from '../metrics/summarize.ts'

/** Rows grouped by a key column, in first-seen order, numeric columns averaged (means over seeds). */
export function meanBy(rows: readonly Row[], key: string): Row[] {
  const groups = new Map<string | number, Row[]>()
  for (const row of rows) groups.set(row[key], [...(groups.get(row[key]) ?? []), row])
  return [...groups.values()].map((group) => {
    const out: Row = { ...group[0] }
    for (const [column, value] of Object.entries(group[0])) {
      if (typeof value === 'number' && column !== key) out[column] = group.reduce((s, r) => s + (r[column] as number), 0) / group.length
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
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd()
  return [line([...columns]), ...cells.map(line)].join('\n')
}

function formatShort(x: number): string {
  if (Number.isInteger(x)) return String(x)
  if (Math.abs(x) >= 1000) return x.toFixed(0)
  return String(Number(x.toPrecision(4)))
}
