import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { list } from '../../core/options.ts'
import type { Direction } from '../metrics/definitions.ts'
import { compareInputs, FAMILIES, type Family } from '../report/compare.ts'
import { FORMATS, type Format, formatComparison } from '../report/compare-format.ts'
import { renderComparison } from '../report/compare-html.ts'
import { MIN_TIMING_NOISE } from '../report/compare-timing.ts'
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
  if (!(FAMILIES as readonly string[]).includes(opts.family))
    throw new InputError(`--family ${opts.family}: expected one of ${FAMILIES.join(', ')}`)
  if (opts.candidate !== undefined && !opts.failOn)
    throw new InputError('--candidate scopes the --fail-on gates: give --fail-on too')
  if (opts.html) checkHtmlTarget(opts.html)
  const gates = opts.failOn ? parseGates(opts.failOn, opts.candidate) : []
  const comparison = compareInputs(inputs.map(readInput), {
    metrics: opts.metrics,
    baseline: opts.baseline,
    allowMismatch: opts.allowMismatch,
    family: opts.family as Family,
    better: parseBetter(opts.better ?? []),
    timingNoise: opts.timingNoise,
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

/** What a page compare wrote starts with: the only existing file --html may replace. */
const OWN_PAGE = /^<!doctype html>[\s\S]{0,400}<title>trafficbench comparison<\/title>/i

/** --html writes a new file or replaces a comparison page, never an input or any other file. */
function checkHtmlTarget(file: string): void {
  if (!existsSync(file)) return
  if (statSync(file).isDirectory()) throw new InputError(`--html ${file}: is a folder; give a file name`)
  const fd = openSync(file, 'r')
  const head = Buffer.alloc(512)
  const n = readSync(fd, head, 0, head.length, 0)
  closeSync(fd)
  if (!OWN_PAGE.test(head.subarray(0, n).toString('utf8')))
    throw new InputError(
      `--html ${file}: exists and is not a comparison page bench compare wrote; refusing to overwrite it (give a ` +
        'new file name)',
    )
}

/** --better metric=higher,metric=lower: the user's direction for metrics where it is a policy choice. */
function parseBetter(specs: string[]): Record<string, Direction> {
  const out: Record<string, Direction> = {}
  for (const spec of specs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(higher|lower|neither)$/.exec(spec)
    if (!m) throw new InputError(`--better ${spec}: expected metric=higher, metric=lower or metric=neither`)
    out[m[1]] = m[2] as Direction
  }
  return out
}

/** A percentage such as 15% or 15, as a fraction. */
function percent(value: string): number {
  const x = Number(value.replace(/%$/, ''))
  if (!value.trim() || !Number.isFinite(x) || x < 0 || x > 1000)
    throw new InputError(`--timing-noise ${value}: expected a percentage from 0 to 1000, e.g. 15%`)
  return x / 100
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
      'each gate passes, fails or is inconclusive; exit 1 unless all pass; NAME: in front scopes a gate to rows ' +
        "whose candidate is NAME, e.g. 'gini_exposure:+0.02,mine:conversion_rate:-5%'",
    )
    .option('--candidate <name>', 'scope every --fail-on gate without its own NAME: to rows whose candidate is NAME')
    .option(
      '--family <family>',
      `the family each Holm correction runs over: ${FAMILIES.join(' or ')} (pair: each (baseline, candidate) ` +
        "pair's metrics, so a row's verdict does not depend on what else is compared; all: every test of the call)",
      'pair',
    )
    .option(
      '--better <metric=direction>',
      'the better direction of a metric where it is a policy choice, e.g. new_seller_exposure_share=higher ' +
        '(repeatable or comma-separated)',
      (value: string, previous: string[] = []) => [...previous, ...list(value)],
    )
    .option(
      '--timing-noise <pct>',
      `the smallest noise floor of timing rows; a change inside it is "within noise" (default ` +
        `${MIN_TIMING_NOISE * 100}%, raised by the measured run-to-run spread)`,
      percent,
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
