import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { toCsv } from '../../core/csv.ts'
import { InputError } from '../../core/errors.ts'
import { readProducts, readSellers, type SellerInfo } from '../log/inputs.ts'
import { logName, type ScannedLog, scanLog } from '../log/measure.ts'
import { renderFitReport } from '../report/fit-html.ts'
import { loadCalibration, writeCalibration } from './calibration-dir.ts'
import { FIT_COLUMNS, fitLog } from './fit.ts'
import { calibratedCatalog, calibratedScenario, setBuyer } from './outputs.ts'
import { loggedMoments, TUNING, type TunedBuyer, tuneBuyer } from './tune-buyer.ts'
import { VALIDATION_COLUMNS, validateHoldout } from './validate.ts'

export interface CalibrateOptions {
  log: string
  products?: string
  sellers?: string
  sellersRun?: string
  /** The calibrated scenario's name (default: the log's name). */
  scenario?: string
  bootstrap: number
  seed: number
  /** Hold out this share of the last rounds: fit on the others, validate on them (validation.csv). */
  holdout?: number
  /** Tune the simulator's buyer to the log's clicks and conversion (bench/calibrate/tune-buyer.ts); default on. */
  tuneBuyer?: boolean
}

/**
 * bench calibrate: reads the log once (every row checked), fits the click and traffic model with
 * bootstrap errors, and returns the calibration folder's files (fit.csv, scenario.json, catalog/,
 * report.html) and what to tell the user.
 */
export async function calibrate(o: CalibrateOptions) {
  const { sellers, scanned } = await readLog(o)
  try {
    return await calibrateScanned(o, scanned, sellers)
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
export async function calibrateScanned(o: CalibrateOptions, scanned: ScannedLog, sellers: SellerInfo | null) {
  const { tables, shape } = scanned
  const name = o.scenario ?? logName(o.log)
  const { fitted: rounds, heldOut } = splitRounds(shape.rounds, o.holdout)
  const fit = fitLog(scanned.spool, tables, Math.max(1, shape.maxPosition), {
    bootstrap: o.bootstrap,
    seed: o.seed,
    rounds,
  })
  const scenario = calibratedScenario(name, fit, shape, rounds, o.log)
  const catalog = calibratedCatalog(name, fit, tables, rounds, sellers)
  const fitCsv = toCsv(FIT_COLUMNS, fit.rows)
  const notes = [
    `${basename(o.log)}: ${shape.rows} rows, ${shape.sessions} sessions, ${shape.rounds.length} rounds ` +
      `(${rounds.length} fitted${heldOut.length ? `, ${heldOut.length} held out` : ''}), ` +
      `${tables.sellers.count} sellers, ${tables.products.count} products; standard errors from ${o.bootstrap} ` +
      `bootstrap replicates over sessions (seed ${o.seed}).`,
    `Identification of the examination curve: ${fit.identification.productsAtSeveralPositions} products shown ` +
      `at two or more positions, ${(100 * fit.identification.impressionShare).toFixed(1)}% of impressions; ` +
      `${fit.identification.linkedGroups} linked group(s) of positions; EM took ${fit.pbm.iterations} iterations.`,
    ...fit.warnings.map((w) => `Warning: ${w}.`),
  ]
  const files: Record<string, string> = { 'fit.csv': fitCsv, ...catalog.files }
  // The calibration as a folder: the tuning's simulations and the validation read it as rerank would.
  const dir = mkdtempSync(join(tmpdir(), 'trafficbench-calibrate-'))
  try {
    writeCalibration(dir, files)
    if (o.tuneBuyer !== false && fit.tally.clicks > 0 && fit.tally.orders > 0) {
      const tuned = await tuneBuyer(
        scenario.market,
        join(dir, 'catalog'),
        loggedMoments(fit.tally, fit.examination),
        o.seed,
      )
      setBuyer(scenario, tuned)
      notes.push(tuningNote(tuned))
    }
    if (heldOut.length) {
      const validation = validate(scanned, dir, heldOut, o)
      const outside = validation.filter((r) => r.outside === 1)
      const named = outside.map((r) => `${r.quantity}${r.key === '' ? '' : ` ${r.key}`}`).join(', ')
      const rounds = `${heldOut[0]}…${heldOut[heldOut.length - 1]}`
      notes.push(
        o.bootstrap < 2
          ? `Validation on the held-out rounds ${rounds}: logged and replayed side by side in validation.csv, ` +
              'without intervals (--bootstrap below 2)'
          : `Validation on the held-out rounds ${rounds}: ${outside.length} of ${validation.length} quantities ` +
              `fall outside the logged value's 95% interval${outside.length ? ` (${named}).` : '.'}`,
      )
      files['validation.csv'] = toCsv(VALIDATION_COLUMNS, validation)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  files['scenario.json'] = `${JSON.stringify(scenario, null, 2)}\n`
  return {
    name,
    heldOut,
    fit,
    shape,
    tables,
    format: scanned.format,
    defaultedPrices: catalog.defaultedPrices,
    notes,
    files: <Record<string, string>>{
      ...files,
      'report.html': renderFitReport(fitCsv, files['validation.csv'], `trafficbench calibration — ${name}`, notes),
    },
  }
}

/** The rounds fitted and the last ones held out (--holdout: a share of the rounds, at least one each side). */
export function splitRounds(rounds: readonly number[], holdout: number | undefined) {
  if (!holdout) return { fitted: rounds, heldOut: [] as number[] }
  if (rounds.length < 2)
    throw new InputError(`--holdout ${holdout}: the log has ${rounds.length} round; holding some out needs at least 2`)
  const kept = Math.min(rounds.length - 1, Math.max(1, Math.round((1 - holdout) * rounds.length)))
  return { fitted: rounds.slice(0, kept), heldOut: rounds.slice(kept) }
}

/** The held-out rounds replayed through the buyer the other rounds gave (bench/calibrate/validate.ts). */
function validate(scanned: ScannedLog, dir: string, heldOut: number[], o: CalibrateOptions) {
  const { catalog, buyer, toCatalog } = loadCalibration(dir, scanned, o.seed)
  const calibrated = {
    buyer,
    toCatalog,
    seller: catalog.products.seller,
    sellers: catalog.sellers.count,
    sellerId: (s: number) => catalog.sellers.id.at(s)!,
    price: catalog.products.price,
  }
  return validateHoldout(scanned, calibrated, new Set(heldOut), o.bootstrap, o.seed)
}

function tuningNote(t: TunedBuyer): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`
  return (
    `Buyer tuned by ${t.runs} simulations of ${TUNING.ranker} (${TUNING.rounds} rounds × ${TUNING.sessionsPerRound} ` +
    `sessions): clickBase ${t.clickBase.toFixed(3)}, outsideValue ${t.outsideValue.toFixed(3)}; clicks per ` +
    `examination ${t.reached.attraction.toFixed(4)} (log ${t.target.attraction.toFixed(4)}), conversion ` +
    `${pct(t.reached.conversion)} (log ${pct(t.target.conversion)})` +
    (t.converged
      ? '.'
      : '; not within tolerance: the simulator cannot reach the log there with these two coefficients.')
  )
}
