import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { renderFitReport } from '../report/fit-html.ts'
import { renderReport } from '../report/html.ts'
import { readResultsFolder, writeFileAtomic } from '../runner/folder/results.ts'

/** Per-seller, per-round rows (bench run --seller-rounds): read here too, whatever the folder reader lists. */
const SELLER_ROUNDS = 'seller_rounds.csv'

async function reportCommand(dir: string, options: { baseline?: string }): Promise<void> {
  const files = readResultsFolder(dir)
  const file = join(dir, 'report.html')
  // A calibration folder (bench calibrate) has its own page: the fit, and the validation when it held rounds out.
  if (files['fit.csv'] && !files['summary.csv']) {
    const manifest = files['manifest.json'] ? JSON.parse(files['manifest.json']) : {}
    const title = `trafficbench calibration — ${manifest.scenarioName ?? dir}`
    writeFileAtomic(file, renderFitReport(files['fit.csv'], files['validation.csv'], title, manifest.notes ?? []))
    process.stdout.write(`wrote ${file}\n`)
    return
  }
  const missing = ['summary.csv', 'rounds.csv', 'sellers.csv'].filter((f) => !(f in files))
  if (missing.length) throw new InputError(`${dir} is not a complete results folder: no ${missing.join(', ')}`)
  if (!(SELLER_ROUNDS in files) && existsSync(join(dir, SELLER_ROUNDS)))
    files[SELLER_ROUNDS] = readFileSync(join(dir, SELLER_ROUNDS), 'utf8')
  writeFileAtomic(file, renderReport(files, { baseline: options.baseline }))
  process.stdout.write(`wrote ${file}\n`)
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html in a results folder from its CSV files')
    .argument('<dir>', 'a results folder')
    .option(
      '--baseline <algo[:variant]>',
      "add each row's difference from this row per headline metric, paired on seeds, with its 95% interval",
    )
    .action(reportCommand)
}
