import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { list } from '../../core/options.ts'
import { compareInputs } from '../report/compare.ts'
import { FORMATS, type Format, formatComparison } from '../report/compare-format.ts'
import { renderComparison } from '../report/compare-html.ts'
import { describeGates, evaluateGates, parseGates } from '../report/gates.ts'
import { readInput } from '../report/inputs.ts'
import { writeFileAtomic } from '../runner/folder/results.ts'
import { GatesFailed } from './options.ts'

async function compareCommand(inputs: string[], opts: ReturnType<ReturnType<typeof compareOptions>['opts']>) {
  if (!opts.baseline && inputs.length < 2)
    throw new InputError(
      'compare needs at least two inputs (a baseline and one to compare with it; the same folder twice is ' +
        'allowed), or one with --baseline ALGO',
    )
  if (!(FORMATS as readonly string[]).includes(opts.format))
    throw new InputError(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`)
  const gates = opts.failOn ? parseGates(opts.failOn) : []
  const comparison = compareInputs(inputs.map(readInput), {
    metrics: opts.metrics,
    baseline: opts.baseline,
    allowMismatch: opts.allowMismatch,
  })
  const results = evaluateGates(comparison, gates)
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
  process.stdout.write(formatComparison(comparison, opts.format as Format, colour, results))
  if (opts.html) {
    writeFileAtomic(opts.html, renderComparison(comparison, results))
    process.stderr.write(`wrote ${opts.html}\n`)
  }
  if (!results.length) return
  const failed = results.filter((r) => r.status === 'fail').length
  const inconclusive = results.filter((r) => r.status === 'inconclusive').length
  if (failed || (inconclusive && !opts.allowInconclusive)) {
    const why = [
      failed && `${failed} failed`,
      inconclusive &&
        `${inconclusive} inconclusive` +
          (opts.allowInconclusive ? ' (allowed)' : ' (--allow-inconclusive lets those pass)'),
    ]
      .filter(Boolean)
      .join(', ')
    throw new GatesFailed(`${describeGates(results)}\ncompare: gates ${why}`)
  }
  process.stderr.write(`${describeGates(results)}\n`)
}

const compareOptions = (command: Command) =>
  command
    .description(
      'compare result reports: per metric and matched row, the difference against a baseline with its 95% CI, a ' +
        'paired (or Welch) t-test, Holm-adjusted p-values, verdicts and gates',
    )
    .argument(
      '<inputs...>',
      'results folders, or summary.csv / throughput.csv files; the first is the baseline unless --baseline names a row',
    )
    .option(
      '--baseline <algo[:variant]>',
      'compare every algorithm/variant of the inputs with this row (paired on seeds), e.g. relevance or ' +
        'amazon:adSlots=0',
    )
    .option('--metrics <list>', 'comma-separated metrics to compare (default: all)', list)
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option(
      '--fail-on <gates>',
      'each gate passes, fails or is inconclusive; exit 1 unless all pass, ' +
        "e.g. 'gini_exposure:+0.02,sessions_per_sec:-10%'",
    )
    .option(
      '--allow-inconclusive',
      'let gates that cannot decide (too few seeds, an interval that includes the limit) pass',
    )
    .option(
      '--allow-mismatch',
      'compare inputs whose manifests differ (scenario, catalog, kit version, seeds); every row is marked',
    )
    .option('--html <file>', 'also write a self-contained comparison page')

export function registerCompare(program: Command): void {
  compareOptions(program.command('compare')).action(compareCommand)
}
