import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import { InputError } from './errors.ts'
import { firstInvalidUtf8, notUtf8 } from './utf8.ts'

/**
 * A CSV number cell: blank means "not given", so the schema's own .default() or .optional() applies
 * (put them on the inner schema: the raw cell is "", not undefined); anything else must be a number.
 */
export const numberCell = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : Number.isNaN(Number(v)) ? v : Number(v)), schema)
/** A CSV text cell: blank means "not given" (defaults and optional() on the inner schema, as for numberCell). */
export const textCell = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema)

/**
 * A cell as it was before the kit escaped it for spreadsheets (csvText below):
 * exactly one leading `'` removed. A spreadsheet's own export marks text the same way.
 */
export const unescapeCell = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell)

/**
 * Reads a CSV file with a header row and validates every record with rowSchema. Errors name the
 * file, the line and the column: a missing required column lists the columns found; a bad cell
 * says what was expected. Cells are unescaped (unescapeCell) before validation.
 */
export function readCsv<S extends z.ZodType>(
  file: string,
  required: readonly string[],
  rowSchema: S,
): { columns: string[]; rows: { line: number; row: z.infer<S>; raw: Record<string, string> }[] } {
  // The path as given: two inputs are often both called summary.csv.
  const name = file
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const bad = firstInvalidUtf8(bytes)
  if (bad) throw notUtf8(file, bad)
  const text = bytes.toString('utf8')
  if (text.trim() === '')
    throw new InputError(`${name} is empty: expected a header row with the columns ${required.join(', ')}`)
  let records: { record: Record<string, string>; info: { lines: number } }[]
  try {
    records = parse(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true })
  } catch (err) {
    throw new InputError(`${name} is not valid CSV: ${(err as Error).message}`)
  }
  const header = (parse(text, { to_line: 1, bom: true, trim: true, relax_column_count: true })[0] ?? []) as string[]
  const missing = required.filter((c) => !header.includes(c))
  if (missing.length)
    throw new InputError(
      `${name}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (columns found: ` +
        `${header.join(', ')})`,
    )
  const rows = records.map(({ record: raw, info }) => {
    const record = Object.fromEntries(Object.entries(raw).map(([column, cell]) => [column, unescapeCell(cell)]))
    const parsed = rowSchema.safeParse(record)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const column = String(issue.path[0] ?? '')
      const cell = column in record ? ` (value "${record[column]}")` : ''
      throw new InputError(`${name} line ${info.lines}, column ${column}${cell}: ${issue.message}`)
    }
    return { line: info.lines, row: parsed.data as z.infer<S>, raw: record }
  })
  return { columns: header, rows }
}

/** One row of a result file: column → number or text. */
export type Row = Record<string, string | number>

/**
 * A number as it appears in the CSV files: integers as they are, others to 8 significant digits
 * (enough for every metric, and stable across platforms); -0 is written as 0.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`refusing to write a non-finite number (${x}) to a result file`)
  if (Object.is(x, -0) || x === 0) return '0'
  if (Number.isInteger(x)) return String(x)
  return String(Number(x.toPrecision(8)))
}

/** How the kit writes a number (formatNumber): a spreadsheet reads it as that number, so it is safe as it is. */
const WRITTEN_NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i
/** What a spreadsheet takes as the start of a formula (OWASP, CSV injection), plus the escape itself. */
const NEEDS_ESCAPE = /^[=+\-@\t\r']/

/**
 * A text cell made safe to open in a spreadsheet: one that a spreadsheet would run as a formula
 * gets a leading `'` (OWASP's advice); so does one that already starts with `'`, which keeps the
 * escape lossless — readCsv strips exactly one leading `'` when reading back.
 */
export function csvText(text: string): string {
  return NEEDS_ESCAPE.test(text) && !WRITTEN_NUMBER.test(text) ? `'${text}` : text
}

/** RFC 4180 CSV with a header row in exactly the given column order; text cells escaped by csvText. */
export function toCsv(columns: readonly string[], rows: readonly Row[]): string {
  const records = rows.map((row) =>
    columns.map((c) => {
      const v = row[c]
      if (v === undefined) throw new Error(`row has no value for column ${c}`)
      return typeof v === 'number' ? formatNumber(v) : csvText(v)
    }),
  )
  return stringify([columns as string[], ...records], { record_delimiter: '\r\n' })
}
