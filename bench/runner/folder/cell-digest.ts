import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { csvText } from '../../../core/csv.ts'
import type { Cell } from '../plan/plan.ts'

/**
 * Each finished cell's rows carry a digest in manifest.json, so a folder's rows are checked, not
 * trusted: merge refuses rows edited after the run, and two folders holding different copies of one
 * cell (content-addressed stores check a cached result against its hash the same way).
 */

/** The files whose rows a cell's digest covers: the deterministic ones (throughput is measured, never equal twice). */
export const DIGESTED_FILES = ['summary.csv', 'rounds.csv', 'sellers.csv', 'seller_rounds.csv'] as const
const CELL_KEYS = ['algorithm', 'variant', 'scenario', 'seed'] as const

export const cellKey = (values: Record<(typeof CELL_KEYS)[number], string>) =>
  CELL_KEYS.map((k) => values[k]).join('\0')
/** A cell's key as its rows spell it: text cells escaped as the kit writes them. */
export const writtenKey = (cell: Pick<Cell, (typeof CELL_KEYS)[number]>) =>
  cellKey({
    algorithm: csvText(cell.algorithm),
    variant: csvText(cell.variant),
    scenario: csvText(cell.scenario),
    seed: String(cell.seed),
  })

/** A results file's header and its records' exact text, grouped by cell key. */
export function recordsByCell(text: string): { header: string; rows: Map<string, string[]> } {
  const header = text.slice(0, text.indexOf('\r\n'))
  const rows = new Map<string, string[]>()
  const records = parse(text, { columns: true, raw: true, record_delimiter: '\r\n' }) as {
    record: Record<string, string>
    raw: string
  }[]
  for (const { record, raw } of records) {
    const key = cellKey(record as Record<(typeof CELL_KEYS)[number], string>)
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    rows.get(key)?.push(line) ?? rows.set(key, [line])
  }
  return { header, rows }
}

/** sha256 over each digested file's name, header and the cell's records, in DIGESTED_FILES order. */
export function cellDigest(
  parts: Partial<Record<string, { header: string; rows: Map<string, string[]> }>>,
  key: string,
) {
  const hash = createHash('sha256')
  for (const name of DIGESTED_FILES) {
    const part = parts[name]
    if (!part) continue
    hash.update(`${name}\n${part.header}\n${(part.rows.get(key) ?? []).join('\r\n')}\n`)
  }
  return hash.digest('hex')
}

/** Every cell's digest, by written key, from the text of a folder's files. */
export function cellDigests(files: Record<string, string | undefined>, cells: readonly Cell[]): Map<string, string> {
  const parts = Object.fromEntries(
    DIGESTED_FILES.filter((name) => files[name] !== undefined).map((name) => [name, recordsByCell(files[name]!)]),
  )
  return new Map(cells.map((cell) => [writtenKey(cell), cellDigest(parts, writtenKey(cell))]))
}
