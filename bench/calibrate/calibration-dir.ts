import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Catalog } from '../../core/catalog.ts'
import { InputError } from '../../core/errors.ts'
import { importCatalog } from '../../datasets/import.ts'
import { CatalogParamsSchema } from '../../datasets/params.ts'
import type { ScannedLog } from '../log/measure.ts'
import { CalibratedBuyer } from './click-model.ts'

/** sessions × slots of the log with positions at most this deep: a market session keeps one slot per position. */
export const MAX_SLOTS = 200

/**
 * A calibration folder made ready for log-driven sessions: its catalog imported, its buyer read, and
 * the log's products matched to the catalog's by id.
 */
export function loadCalibration(dir: string, scanned: ScannedLog, seed: number) {
  const fitFile = join(dir, 'fit.csv')
  const catalogDir = join(dir, 'catalog')
  if (!existsSync(fitFile) || !existsSync(catalogDir))
    throw new InputError(`--calibration ${dir}: expected fit.csv and catalog/ (a bench calibrate folder)`)
  const catalog = importCatalog(catalogDir, CatalogParamsSchema.parse({}), seed)
  const positions = Math.max(MAX_SLOTS, scanned.shape.maxPosition)
  const buyer = new CalibratedBuyer(readFileSync(fitFile, 'utf8'), fitFile, catalog, positions)
  return { catalog, buyer, ...numbering(scanned, catalog, catalogDir) }
}

/** Files of a calibration written into a folder (the log-driven sessions read them as a bench calibrate folder). */
export function writeCalibration(dir: string, files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return dir
}

/** Log numbering (the spool's product numbers) to catalog index and back, matched by product id. */
function numbering(scanned: ScannedLog, catalog: Catalog, catalogDir: string) {
  const { tables } = scanned
  const byId = new Map(Array.from({ length: catalog.products.count }, (_, p) => [catalog.products.id.at(p)!, p]))
  const toCatalog = new Int32Array(tables.remap.length)
  const toLog = new Int32Array(catalog.products.count).fill(-1)
  for (let read = 0; read < tables.remap.length; read++) {
    const id = tables.products.id.at(tables.remap[read])!
    const p = byId.get(id)
    if (p === undefined)
      throw new InputError(`${catalogDir}/products.csv has no product "${id}" of the log: calibrate on this log`)
    toCatalog[read] = p
    toLog[p] = read
  }
  return { toCatalog, toLog, productIndex: byId }
}
