import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { InputError } from './errors.ts'

/**
 * A CSV number cell: blank means "not given", so the schema's own .default() or .optional() applies
 * (put them on the inner schema: the raw cell is "", not undefined); anything else must be a number.
 */
export const numberCell = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : Number.isNaN(Number(v)) ? v : Number(v)), schema)
/** A CSV text cell: blank means "not given" (defaults and optional() on the inner schema, as for numberCell). */
export const textCell = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema)

/**
 * A cell as it was before the kit escaped it for spreadsheets (bench/runner/results.ts csvText):
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
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
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
