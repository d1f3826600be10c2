import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
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

/** RFC 4180 CSV with a header row in exactly the given column order. */
export function toCsv(columns: readonly string[], rows: readonly Row[]): string {
  const records = rows.map((row) =>
    columns.map((c) => {
      const v = row[c]
      if (v === undefined) throw new Error(`row has no value for column ${c}`)
      return typeof v === 'number' ? formatNumber(v) : v
    }),
  )
  return stringify([columns as string[], ...records], { record_delimiter: '\r\n' })
}

/**
 * Writes all files of a results folder at once: into a temporary sibling folder first, renamed to
 * `dir` only when every file is written, so a failure or Ctrl-C never leaves a half-written
 * folder. An existing `dir` is replaced.
 */
export function writeResultsFolder(dir: string, files: Record<string, string>): void {
  const target = resolve(dir)
  mkdirSync(dirname(target), { recursive: true })
  const temp = `${target}.partial-${process.pid}`
  const old = `${target}.old-${process.pid}`
  const cleanup = () => rmSync(temp, { recursive: true, force: true })
  process.once('exit', cleanup)
  try {
    mkdirSync(temp, { recursive: true })
    for (const [name, content] of Object.entries(files)) writeFileSync(resolve(temp, name), content)
    if (existsSync(target)) renameSync(target, old)
    renameSync(temp, target)
    rmSync(old, { recursive: true, force: true })
  } finally {
    cleanup()
    process.removeListener('exit', cleanup)
  }
}

/** The files of a results folder that reports are built from, by name (absent ones left out). */
export function readResultsFolder(dir: string): Record<string, string> {
  const names = ['summary.csv', 'rounds.csv', 'sellers.csv', 'throughput.csv', 'facts.csv', 'manifest.json']
  const files: Record<string, string> = {}
  for (const name of names) if (existsSync(resolve(dir, name))) files[name] = readFileSync(resolve(dir, name), 'utf8')
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
