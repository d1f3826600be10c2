import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-compare-'))
const bench = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/bench.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const base = join(work, 'base')
const noAds = join(work, 'no-ads')
const run = ['run', '--scenario', 'small', '--seeds', '8', '--algorithms', 'amazon,relevance', '--bench-time', '10', '--quiet']

/** A copy of a summary.csv with one column changed on every row. */
function plant(from: string, to: string, column: string, change: (v: string) => string): void {
  const rows: Record<string, string>[] = parse(readFileSync(from, 'utf8'), { columns: true })
  const columns = Object.keys(rows[0])
  writeFileSync(to, stringify([columns, ...rows.map((r) => columns.map((c) => (c === column ? change(r[c]) : r[c])))]))
}

beforeAll(() => {
  expect(bench(...run, '--out', base).code).toBe(0)
  expect(bench(...run, '--param', 'amazon.adSlots=0', '--out', noAds).code).toBe(0)
})

describe('bench compare', () => {
  it('a folder against itself: no significant change anywhere, exit 0 even with --fail-on', () => {
    const r = bench('compare', base, base, '--fail-on', 'gini_exposure:+0.02,sessions_per_sec:-10%')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/A = .*base \(baseline\)/)
    const verdicts = r.stdout.split('\n').filter((l) => /^(amazon|relevance) /.test(l))
    expect(verdicts.length).toBeGreaterThan(40)
    for (const line of verdicts) expect(line).toMatch(/no significant change$/)
  })

  it('flags the metrics a parameter change moves: amazon without ad slots', () => {
    const r = bench('compare', base, noAds, '--format', 'json')
    expect(r.code).toBe(0)
    const { rows } = JSON.parse(r.stdout)
    const verdict = (algorithm: string, metric: string) => rows.find((x: { algorithm: string; metric: string }) => x.algorithm === algorithm && x.metric === metric).inputs[1]
    for (const metric of ['sponsored_impression_share', 'ad_revenue']) {
      expect(verdict('amazon', metric).verdict).toBe('changed')
      expect(verdict('amazon', metric).p).toBeLessThan(0.05)
      expect(verdict('amazon', metric).relDiff).toBe(-1)
    }
    // relevance does not sell ads and did not change.
    expect(verdict('relevance', 'gmv').verdict).toBe('no significant change')
  })

  it('a planted regression (gini_exposure +0.05 on every seed) fails the gate with exit 1', () => {
    const planted = join(work, 'planted-summary.csv')
    plant(join(base, 'summary.csv'), planted, 'gini_exposure', (v) => String(Number(v) + 0.05))
    const r = bench('compare', join(base, 'summary.csv'), planted, '--fail-on', 'gini_exposure:+0.02', '--metrics', 'gini_exposure')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/gini_exposure +lower .* worse/)
    expect(r.stderr).toMatch(/fail-on gini_exposure:\+0\.02: amazon \/ small gini_exposure moved 0\.05/)
    // The same move within a looser limit passes.
    expect(bench('compare', join(base, 'summary.csv'), planted, '--fail-on', 'gini_exposure:+0.1').code).toBe(0)
  })

  it('writes markdown, CSV and JSON', () => {
    const md = bench('compare', base, noAds, '--format', 'md', '--metrics', 'ad_revenue')
    expect(md.stdout).toMatch(/^\| algorithm \| scenario \| metric \| better \| A mean ± 95% CI/m)
    const csv: Record<string, string>[] = parse(bench('compare', base, noAds, '--format', 'csv', '--metrics', 'ad_revenue').stdout, { columns: true })
    expect(csv).toHaveLength(4) // 2 algorithms × 2 inputs
    expect(Object.keys(csv[0])).toEqual(['algorithm', 'variant', 'scenario', 'metric', 'better', 'input', 'label', 'n', 'mean', 'ci_low', 'ci_high', 'diff', 'rel_diff', 'p_value', 'verdict'])
    expect(csv.find((r) => r.algorithm === 'amazon' && r.input === 'B')!.verdict).toBe('changed')
  })

  it('lists columns present in one input but not another', () => {
    const fewer = join(work, 'fewer.csv')
    const rows: Record<string, string>[] = parse(readFileSync(join(base, 'summary.csv'), 'utf8'), { columns: true })
    const columns = Object.keys(rows[0]).filter((c) => c !== 'hhi_revenue')
    writeFileSync(fewer, stringify([columns, ...rows.map((r) => columns.map((c) => r[c]))]))
    const r = bench('compare', join(base, 'summary.csv'), fewer)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/note: .*fewer\.csv lacks column hhi_revenue \(present in .*summary\.csv\)/)
  })

  const malformed: [string, (file: string) => void, RegExp][] = [
    ['a missing column', (f) => writeFileSync(f, 'algorithm,scenario,gini_exposure\namazon,small,0.5\n'), /bad\.csv: missing column seed \(columns found: algorithm, scenario, gini_exposure\)/],
    ['text in a number column', (f) => plant(join(base, 'summary.csv'), f, 'gini_exposure', (v) => (v.startsWith('0.7') ? 'high' : v)), /bad\.csv line \d+, column gini_exposure \(value "high"\): Invalid input: expected number, received string/],
    ['an empty file', (f) => writeFileSync(f, ''), /bad\.csv is empty/],
    ['a file that is not CSV', (f) => writeFileSync(f, readFileSync(join(base, 'manifest.json'))), /bad\.csv is not valid CSV|bad\.csv: missing columns/],
  ]
  for (const [what, make, message] of malformed) {
    it(`${what}: a clear error and exit 2`, () => {
      const file = join(work, 'bad.csv')
      make(file)
      const r = bench('compare', base, file)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  }

  it('refuses a missing input, an unknown metric and a bad gate with exit 2', () => {
    expect(bench('compare', base, join(work, 'nowhere')).stderr).toMatch(/nowhere: no such file or folder/)
    expect(bench('compare', base, base, '--metrics', 'gini').stderr).toMatch(/--metrics: no column gini in the inputs/)
    const gate = bench('compare', base, base, '--fail-on', 'gini_exposure>0.1')
    expect(gate.code).toBe(2)
    expect(gate.stderr).toMatch(/--fail-on gini_exposure>0\.1: expected metric:\+limit/)
    expect(bench('compare', base).code).toBe(2)
  })
})
