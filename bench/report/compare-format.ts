import { stringify } from 'csv-stringify/sync'
import { csvText, formatNumber } from '../../core/csv.ts'
import { type Comparison, type ComparisonRow, describePair, letter, type Verdict } from './compare.ts'
import { TIMING_METRICS } from './compare-timing.ts'
import type { GateResult } from './gates.ts'
import { ALPHA, MAX_SEEDS, POWER } from './stats.ts'

export const FORMATS = ['table', 'md', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

const COLOURS: Partial<Record<Verdict, string>> = { better: '\x1b[32m', worse: '\x1b[31m', changed: '\x1b[33m' }

export function short(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞'
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(2)
  return String(Number(x.toPrecision(4)))
}
const signed = (x: number | undefined) => (x !== undefined && x > 0 ? '+' : '') + short(x)
export const pct = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`
export const pValue = (p: number | undefined) =>
  p === undefined || Number.isNaN(p) ? '–' : p < 1e-4 ? '<1e-4' : p.toFixed(4)

/** "paired 8" (pairs of seeds) or "Welch 8+8" (seeds per side). */
export function testLabel(r: ComparisonRow): string {
  if (!r.test) return '–'
  return r.test.test === 'paired t'
    ? `paired ${r.candidate.estimate!.n}`
    : `Welch ${r.baseline.estimate!.n}+${r.candidate.estimate!.n}`
}

/**
 * What to do next for a row that could not tell: the Δ its seeds detect at 80% power and the seeds that would detect
 * the observed Δ.
 */
export function nextStep(r: ComparisonRow): string {
  if (r.verdict === 'no values')
    return `no values in ${r.baseline.estimate ? letter(r.candidate.input) : letter(r.baseline.input)}`
  if (r.verdict === 'too few seeds') return 'run ≥ 2 seeds'
  if (r.verdict === 'not enough timing samples') return 'bench run --repeat 3 on both sides'
  if (r.noiseFloor !== undefined) return `noise floor ±${(100 * r.noiseFloor).toFixed(0)}%`
  if (r.detectable === undefined) return ''
  if (r.test!.se === 0 && r.test!.diff === 0) return 'identical on every seed'
  const needed =
    r.seedsNeeded === undefined || r.seedsNeeded === Infinity
      ? r.test?.diff === 0
        ? 'Δ = 0'
        : `> ${MAX_SEEDS} seeds for Δ`
      : `${r.seedsNeeded} seeds for Δ`
  return `detects ±${short(r.detectable)}; ${needed}`
}

const side = (e: ComparisonRow['baseline']['estimate']) => (e ? `${short(e.mean)} ± ${short(e.halfWidth)}` : 'missing')
const interval = (ci: readonly [number, number]) => `[${signed(ci[0])}, ${signed(ci[1])}]`

/** How the comparison was made: the baseline, the tests, the adjustment. */
export function methodLines(c: Comparison): string[] {
  const families = new Set(c.rows.map((r) => r.family).filter((f) => f !== null)).size
  const timing = c.rows.some((r) => TIMING_METRICS.has(r.metric))
  const better = Object.entries(c.better).map(([m, d]) => `${m}=${d}`)
  return [
    c.baseline
      ? `baseline: the ${c.baseline} row (every other row is compared with it)`
      : `baseline: ${letter(0)}; rows are matched on algorithm and scenario, then on resolved parameters, variant, ` +
        'or the one configuration on each side',
    `Δ = candidate − baseline with its 95% CI. Test: paired t on per-seed differences where both sides hold the ` +
      `same seeds of one configuration, Welch t otherwise.`,
    (c.family === 'all'
      ? `p_holm: Holm-adjusted over all ${c.rows.filter((r) => r.family).length} tests of this call (--family all)`
      : `p_holm: Holm-adjusted within each (baseline, candidate) pair over its metrics (${families} ` +
        `famil${families === 1 ? 'y' : 'ies'}), so a row's verdict does not depend on the other pairs`) +
      `; verdicts use p_holm < ${ALPHA}, and "adj. CI" is the interval at the level Holm tested the row at (it ` +
      `excludes 0 exactly when the verdict is not "no significant change"). next: the Δ the seeds detect at ` +
      `${POWER * 100}% power, and the seeds needed to detect the observed Δ.`,
    ...(timing
      ? [
          'timing rows (speed): never paired on seeds; Welch t over every seed × repeat (bench run --repeat N); a ' +
            'verdict needs the whole 95% CI of the relative change beyond the noise floor (the larger of the ' +
            "repeats' run-to-run spread and --timing-noise); no Holm family.",
        ]
      : []),
    ...(better.length ? [`better direction set by --better: ${better.join(', ')}`] : []),
  ]
}

function header(c: Comparison): string[] {
  return [
    ...c.inputs.map((x, i) => `${letter(i)} = ${x.label}${x.kind === 'simulation' ? '' : ` [${x.kind}]`}`),
    ...methodLines(c),
    ...c.comparability.map((l) => `NOT THE RANKING ALONE: ${l}`),
  ]
}

/** The config column: how the runs relate, and the platform rules they differ on. */
export const configText = (r: ComparisonRow) =>
  r.rulesDiffer ? `${r.config}; rules: ${r.rulesDiffer.join(',')}` : r.config

/** The comparison as one line per compared pair of rows × metric. */
export function comparisonTable(
  c: Comparison,
  colour: boolean,
): { header: string[]; rows: string[][]; numeric: boolean[] } {
  const withConfig = c.rows.some((r) => r.config !== 'same' || r.rulesDiffer)
  const columns: [string, boolean, (r: ComparisonRow) => string][] = [
    ['compared', false, (r) => describePair(r, c.inputs.length > 1, false)],
    ['scenario', false, (r) => r.candidate.scenario],
    ['metric', false, (r) => r.metric],
    ['better', false, (r) => r.better],
    ...(withConfig ? [['config', false, configText] as [string, boolean, (r: ComparisonRow) => string]] : []),
    ['baseline ± 95% CI', true, (r) => side(r.baseline.estimate)],
    ['candidate ± 95% CI', true, (r) => side(r.candidate.estimate)],
    ['Δ [95% CI]', true, (r) => (r.test ? `${signed(r.test.diff)} ${interval(r.ci!)}` : '–')],
    ['adj. CI', true, (r) => (r.ciAdjusted ? interval(r.ciAdjusted) : '–')],
    ['Δ%', true, (r) => pct(r.relDiff)],
    ['test', false, testLabel],
    ['p', true, (r) => pValue(r.test?.p)],
    ['p_holm', true, (r) => pValue(r.pAdjusted)],
    ['verdict', false, (r) => (colour && COLOURS[r.verdict] ? `${COLOURS[r.verdict]}${r.verdict}\x1b[0m` : r.verdict)],
    ['next', false, nextStep],
  ]
  return {
    header: columns.map((x) => x[0]),
    numeric: columns.map((x) => x[1]),
    rows: c.rows.map((r) => columns.map((x) => x[2](r))),
  }
}

// Visible width, ignoring colour codes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes this strips
const width = (s: string) => s.replace(/\x1b\[\d+m/g, '').length
const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x)

function asJson(c: Comparison, gates: GateResult[]): string {
  const sideJson = (s: ComparisonRow['baseline']) => ({
    input: letter(s.input),
    algorithm: s.algorithm,
    variant: s.variant,
    scenario: s.scenario,
    n: s.estimate?.n ?? 0,
    mean: finite(s.estimate?.mean),
    ci95HalfWidth: finite(s.estimate?.halfWidth),
  })
  const json = {
    alpha: ALPHA,
    adjustment: 'holm',
    family: c.family,
    better: c.better,
    comparability: c.comparability,
    inputs: c.inputs.map((x, i) => ({ id: letter(i), label: x.label, kind: x.kind })),
    baseline: c.baseline ?? letter(0),
    notes: c.notes,
    gates: gates.map((g) => ({
      spec: g.gate.spec,
      status: g.status,
      reason: g.reason,
      rows: g.checks.map((k) => ({
        compared: describePair(k.row, c.inputs.length > 1),
        status: k.status,
        moved: finite(k.moved),
        interval: k.interval,
        reason: k.reason,
      })),
    })),
    rows: c.rows.map((r) => ({
      baseline: sideJson(r.baseline),
      candidate: sideJson(r.candidate),
      metric: r.metric,
      better: r.better,
      config: r.config,
      rulesDiffer: r.rulesDiffer ?? [],
      test: r.test?.test ?? null,
      diff: finite(r.test?.diff),
      ci95: r.ci,
      ciAdjusted: r.ciAdjusted,
      family: r.family,
      noiseFloor: finite(r.noiseFloor),
      relDiff: finite(r.relDiff),
      p: finite(r.test?.p),
      pAdjusted: finite(r.pAdjusted),
      verdict: r.verdict,
      detectableDiff: finite(r.detectable),
      seedsNeeded: r.seedsNeeded === undefined ? null : (finite(r.seedsNeeded) ?? `>${MAX_SEEDS}`),
      unpairedSeeds: r.unpairedSeeds,
    })),
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

function asCsv(c: Comparison): string {
  const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : formatNumber(x))
  const header = [
    'baseline_input',
    'baseline_algorithm',
    'baseline_variant',
    'candidate_input',
    'candidate_algorithm',
    'candidate_variant',
    'scenario',
    'metric',
    'better',
    'config',
    'test',
    'baseline_n',
    'baseline_mean',
    'candidate_n',
    'candidate_mean',
    'diff',
    'ci_low',
    'ci_high',
    'ci_adj_low',
    'ci_adj_high',
    'rel_diff',
    'p_value',
    'p_holm',
    'family',
    'noise_floor',
    'verdict',
    'detectable_diff',
    'seeds_needed',
  ]
  const records = c.rows.map((r) => {
    const [b, k] = [r.baseline, r.candidate]
    return [
      letter(b.input),
      csvText(b.algorithm),
      csvText(b.variant),
      letter(k.input),
      csvText(k.algorithm),
      csvText(k.variant),
      csvText(k.scenario),
      r.metric,
      r.better,
      configText(r),
      r.test?.test ?? '',
      String(b.estimate?.n ?? 0),
      num(b.estimate?.mean),
      String(k.estimate?.n ?? 0),
      num(k.estimate?.mean),
      num(r.test?.diff),
      num(r.ci?.[0]),
      num(r.ci?.[1]),
      num(r.ciAdjusted?.[0]),
      num(r.ciAdjusted?.[1]),
      num(r.relDiff),
      num(r.test?.p),
      num(r.pAdjusted),
      csvText(r.family ?? ''),
      num(r.noiseFloor),
      r.verdict,
      num(r.detectable),
      num(r.seedsNeeded),
    ]
  })
  return stringify([header, ...records], { record_delimiter: '\r\n' })
}

export function formatComparison(c: Comparison, format: Format, colour: boolean, gates: GateResult[] = []): string {
  if (format === 'json') return asJson(c, gates)
  if (format === 'csv') return asCsv(c)
  const { header: columns, rows, numeric } = comparisonTable(c, colour && format === 'table')
  if (format === 'md') {
    const line = (cells: string[]) => `| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`
    return `${[
      ...header(c).map((l) => `- ${l}`),
      '',
      line(columns),
      line(columns.map(() => '---')),
      ...rows.map(line),
      '',
      ...c.notes.map((n) => `> ${n}`),
    ].join('\n')}\n`
  }
  const widths = columns.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))))
  const pad = (s: string, i: number) =>
    numeric[i] ? ' '.repeat(widths[i] - width(s)) + s : s + ' '.repeat(widths[i] - width(s))
  const notes = c.notes.length ? ['', ...c.notes.map((n) => `note: ${n}`)] : []
  return `${[
    ...header(c),
    '',
    columns.map(pad).join('  ').trimEnd(),
    ...rows.map((r) => r.map(pad).join('  ').trimEnd()),
    ...notes,
  ].join('\n')}\n`
}
