import type { Command } from 'commander'
import { InputError } from '../../datasets/errors.ts'
import { compareReports, evaluateGates, parseGates, readReport } from '../report/compare.ts'
import { FORMATS, describeFailures, formatComparison, type Format } from '../report/compare-format.ts'
import { GatesFailed, list } from './options.ts'

interface CompareOptions {
  metrics?: string[]
  format: string
  failOn?: string
}

async function compareCommand(inputs: string[], opts: CompareOptions): Promise<void> {
  if (inputs.length < 2) throw new InputError('compare needs at least two inputs: a baseline and one to compare with it (the same folder twice is allowed)')
  if (!(FORMATS as readonly string[]).includes(opts.format)) throw new InputError(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`)
  const gates = opts.failOn ? parseGates(opts.failOn) : []
  const comparison = compareReports(inputs.map(readReport), opts.metrics)
  const failures = evaluateGates(comparison, gates)
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
  process.stdout.write(formatComparison(comparison, opts.format as Format, colour))
  if (failures.length) throw new GatesFailed(describeFailures(failures))
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare result reports: per metric, mean and 95% CI per input, difference against the first (baseline), Welch t-test, verdict')
    .argument('<inputs...>', 'results folders, or summary.csv / throughput.csv files; the first is the baseline')
    .option('--metrics <list>', 'comma-separated metrics to compare (default: all)', list)
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--fail-on <gates>', "exit 1 when a metric moves the wrong way past a limit with p < 0.05, e.g. 'gini_exposure:+0.02,sessions_per_sec:-10%'")
    .action(compareCommand)
}
