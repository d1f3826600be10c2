import { stringify } from 'csv-stringify/sync'
import { ALPHA, describeKey, type Comparison, type GateFailure, type Verdict } from './compare.ts'
import { formatNumber } from '../runner/results.ts'

export const FORMATS = ['table', 'md', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

const COLOURS: Partial<Record<Verdict, string>> = { better: '\x1b[32m', worse: '\x1b[31m', changed: '\x1b[33m' }

function short(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞'
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(2)
  return String(Number(x.toPrecision(4)))
}
const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`)
const pValue = (p: number | undefined) => (p === undefined || Number.isNaN(p) ? '–' : p < 1e-4 ? '<1e-4' : p.toFixed(4))
const letter = (i: number) => String.fromCharCode(65 + i)

/** The comparison as a wide table: per input its mean ± 95% CI half-width; per non-baseline input Δ, Δ%, p, verdict. */
function wideRows(c: Comparison, colour: boolean): { header: string[]; rows: string[][] } {
  const header = ['algorithm', 'scenario', 'metric', 'better']
  c.labels.forEach((_, i) => {
    header.push(`${letter(i)} mean ± 95% CI`)
    if (i > 0) header.push(`Δ ${letter(i)}−A`, `Δ%`, 'p', 'verdict')
  })
  const rows = c.rows.map((r) => {
    const cells = [[r.algorithm, r.variant].filter(Boolean).join(' / '), r.scenario, r.metric, r.better]
    r.inputs.forEach((v, i) => {
      cells.push(v.estimate ? `${short(v.estimate.mean)} ± ${short(v.estimate.halfWidth)}` : 'missing')
      if (i > 0) {
        const verdict = v.verdict ?? ''
        const painted = colour && COLOURS[v.verdict!] ? `${COLOURS[v.verdict!]}${verdict}\x1b[0m` : verdict
        cells.push(short(v.diff), pct(v.relDiff), pValue(v.p), painted)
      }
    })
    return cells
  })
  return { header, rows }
}

function legend(c: Comparison): string[] {
  return c.labels.map((l, i) => `${letter(i)} = ${l}${i === 0 ? ' (baseline)' : ''}`)
}

// Visible width, ignoring colour codes.
const width = (s: string) => s.replace(/\x1b\[\d+m/g, '').length

export function formatComparison(c: Comparison, format: Format, colour: boolean): string {
  if (format === 'json') {
    const clean = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x)
    return (
      JSON.stringify(
        {
          alpha: ALPHA,
          inputs: c.labels.map((label, i) => ({ id: letter(i), label, baseline: i === 0 })),
          notes: c.notes,
          rows: c.rows.map((r) => ({
            ...r,
            inputs: r.inputs.map((v, i) => ({
              id: letter(i),
              n: v.estimate?.n ?? 0,
              mean: clean(v.estimate?.mean),
              ci95HalfWidth: clean(v.estimate?.halfWidth),
              diff: clean(v.diff),
              relDiff: clean(v.relDiff),
              p: clean(v.p),
              verdict: v.verdict ?? null,
            })),
          })),
        },
        null,
        2,
      ) + '\n'
    )
  }
  if (format === 'csv') {
    const header = ['algorithm', 'variant', 'scenario', 'metric', 'better', 'input', 'label', 'n', 'mean', 'ci_low', 'ci_high', 'diff', 'rel_diff', 'p_value', 'verdict']
    const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : formatNumber(x))
    const records = c.rows.flatMap((r) =>
      r.inputs.map((v, i) => {
        const e = v.estimate
        return [r.algorithm, r.variant, r.scenario, r.metric, r.better, letter(i), c.labels[i], String(e?.n ?? 0), num(e?.mean), num(e ? e.mean - e.halfWidth : undefined), num(e ? e.mean + e.halfWidth : undefined), num(v.diff), num(v.relDiff), num(v.p), v.verdict ?? '']
      }),
    )
    return stringify([header, ...records], { record_delimiter: '\r\n' })
  }
  const { header, rows } = wideRows(c, colour && format === 'table')
  if (format === 'md') {
    const line = (cells: string[]) => `| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`
    return [...legend(c).map((l) => `- ${l}`), '', line(header), line(header.map(() => '---')), ...rows.map(line), '', ...c.notes.map((n) => `> ${n}`)].join('\n') + '\n'
  }
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))))
  const pad = (s: string, i: number) => (i < 4 ? s + ' '.repeat(widths[i] - width(s)) : ' '.repeat(widths[i] - width(s)) + s)
  const notes = c.notes.length ? ['', ...c.notes.map((n) => `note: ${n}`)] : []
  return [...legend(c), `significant: two-sided Welch t-test p < ${ALPHA} over seeds`, '', header.map(pad).join('  '), ...rows.map((r) => r.map(pad).join('  ')), ...notes].join('\n') + '\n'
}

/** One line per broken gate, for stderr. */
export function describeFailures(failures: GateFailure[]): string {
  return failures
    .map((f) => `fail-on ${f.gate.spec}: ${describeKey(f.row.algorithm, f.row.variant, f.row.scenario)} ${f.row.metric} moved ${short(f.diff)} (${pct(f.relDiff)}, p = ${pValue(f.p)}) in ${f.input}`)
    .join('\n')
}
