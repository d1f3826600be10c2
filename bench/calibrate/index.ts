import { basename } from 'node:path'
import { toCsv } from '../../core/csv.ts'
import { readProducts, readSellers, type SellerInfo } from '../log/inputs.ts'
import { logName, type ScannedLog, scanLog } from '../log/measure.ts'
import { renderFitReport } from '../report/fit-html.ts'
import { FIT_COLUMNS, fitLog } from './fit.ts'
import { calibratedCatalog, calibratedScenario } from './outputs.ts'

export interface CalibrateOptions {
  log: string
  products?: string
  sellers?: string
  sellersRun?: string
  /** The calibrated scenario's name (default: the log's name). */
  scenario?: string
  bootstrap: number
  seed: number
}

/**
 * bench calibrate: reads the log once (every row checked), fits the click and traffic model with
 * bootstrap errors, and returns the calibration folder's files (fit.csv, scenario.json, catalog/,
 * report.html) and what to tell the user.
 */
export async function calibrate(o: CalibrateOptions) {
  const { sellers, scanned } = await readLog(o)
  try {
    return calibrateScanned(o, scanned, sellers)
  } finally {
    scanned.spool.remove()
  }
}

/** The log and its side files, read once and checked: the start of calibrate and rerank. */
export async function readLog(o: Pick<CalibrateOptions, 'log' | 'products' | 'sellers' | 'sellersRun'>) {
  const sellers = o.sellers ? readSellers(o.sellers, o.sellersRun, undefined) : null
  const products = o.products ? readProducts(o.products, sellers) : null
  return { sellers, scanned: await scanLog(o.log, sellers, products) }
}

/** The calibration of a scanned log (its spool is left for the caller to remove). */
export function calibrateScanned(o: CalibrateOptions, scanned: ScannedLog, sellers: SellerInfo | null) {
  const { tables, shape } = scanned
  const name = o.scenario ?? logName(o.log)
  const rounds = shape.rounds
  const fit = fitLog(scanned.spool, tables, Math.max(1, shape.maxPosition), {
    bootstrap: o.bootstrap,
    seed: o.seed,
    rounds,
  })
  const scenario = calibratedScenario(name, fit, shape, rounds, o.log)
  const catalog = calibratedCatalog(name, fit, tables, rounds, sellers)
  const fitCsv = toCsv(FIT_COLUMNS, fit.rows)
  const notes = [
    `${basename(o.log)}: ${shape.rows} rows, ${shape.sessions} sessions, ${rounds.length} rounds, ` +
      `${tables.sellers.count} sellers, ${tables.products.count} products; standard errors from ${o.bootstrap} ` +
      `bootstrap replicates over sessions (seed ${o.seed}).`,
    `Identification of the examination curve: ${fit.identification.productsAtSeveralPositions} products shown ` +
      `at two or more positions, ${(100 * fit.identification.impressionShare).toFixed(1)}% of impressions; ` +
      `${fit.identification.linkedGroups} linked group(s) of positions; EM took ${fit.pbm.iterations} iterations.`,
    ...fit.warnings.map((w) => `Warning: ${w}.`),
  ]
  return {
    name,
    fit,
    shape,
    tables,
    format: scanned.format,
    defaultedPrices: catalog.defaultedPrices,
    notes,
    files: {
      'fit.csv': fitCsv,
      'scenario.json': `${JSON.stringify(scenario, null, 2)}\n`,
      ...catalog.files,
      'report.html': renderFitReport(fitCsv, `trafficbench calibration — ${name}`, notes),
    },
  }
}
