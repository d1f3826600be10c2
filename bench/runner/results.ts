import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import type { Row } from '../metrics/summarize.ts'

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
 * escape lossless — datasets/csv.ts strips exactly one leading `'` when reading back.
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

/** The files a results folder may hold; report.html is built from the others. */
export const RESULT_FILES: readonly string[] = [
  'summary.csv',
  'rounds.csv',
  'sellers.csv',
  'throughput.csv',
  'errors.csv',
  'facts.csv',
  'manifest.json',
  'report.html',
]
/** A file a results folder may hold: one of RESULT_FILES, or a run's impression log (bench run --write-log). */
export const isResultFile = (name: string): boolean =>
  RESULT_FILES.includes(name) || /^impressions-[A-Za-z0-9._=-]+\.csv\.gz$/.test(name)

/** The files of a results folder that reports are built from, by name (absent ones left out). */
export function readResultsFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of RESULT_FILES.filter((f) => f !== 'report.html'))
    if (existsSync(resolve(dir, name))) files[name] = readFileSync(resolve(dir, name), 'utf8')
  return files
}

/** Writes one file under a temporary name, then renames it into place. */
export function writeFileAtomic(file: string, content: string): void {
  const temp = `${file}.partial-${process.pid}`
  try {
    writeFileSync(temp, content)
    renameSync(temp, file)
  } finally {
    rmSync(temp, { force: true })
  }
}
