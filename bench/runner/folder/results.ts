import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The files a results folder may hold; report.html is built from the others. */
export const RESULT_FILES: readonly string[] = [
  'summary.csv',
  'rounds.csv',
  'sellers.csv',
  'throughput.csv',
  'seller_rounds.csv',
  'errors.csv',
  'facts.csv',
  'facts_map.csv',
  'fit.csv',
  'validation.csv',
  'ope.csv',
  'scenario.json',
  'manifest.json',
  'report.html',
]
/** The calibrated catalog's folder in a calibration folder (bench calibrate: catalog/sellers.csv, products.csv). */
export const CATALOG_FOLDER = 'catalog'

/** A file a results folder may hold: one of RESULT_FILES, or a run's impression log (bench run --write-log). */
export const isResultFile = (name: string): boolean =>
  RESULT_FILES.includes(name) || /^impressions-[A-Za-z0-9._=-]+\.csv\.gz$/.test(name)

/**
 * The files of a results folder that reports are built from, by name (absent ones left out): not report.html, nor
 * seller_rounds.csv, the largest file by far, which only `bench report` reads (its callers need the rest).
 */
export function readResultsFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of RESULT_FILES.filter((f) => f !== 'report.html' && f !== 'seller_rounds.csv'))
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
