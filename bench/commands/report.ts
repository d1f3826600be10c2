import { join } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { renderReport } from '../report/html.ts'
import { readResultsFolder, writeFileAtomic } from '../runner/folder/results.ts'

async function reportCommand(dir: string): Promise<void> {
  const files = readResultsFolder(dir)
  const missing = ['summary.csv', 'rounds.csv', 'sellers.csv'].filter((f) => !(f in files))
  if (missing.length) throw new InputError(`${dir} is not a complete results folder: no ${missing.join(', ')}`)
  const file = join(dir, 'report.html')
  writeFileAtomic(file, renderReport(files))
  process.stdout.write(`wrote ${file}\n`)
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html in a results folder from its CSV files')
    .argument('<dir>', 'a results folder')
    .action(reportCommand)
}
