import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { THROUGHPUT_METRICS } from '../bench/metrics/definitions.ts'
import { bench, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-compare-')
const SPEED = THROUGHPUT_METRICS.map((m) => m.name)
const folder = (name: string) => join(work, name)
const run = [
  'run',
  '--scenario',
  'small',
  '--seeds',
  '3',
  '--algorithms',
  'amazon,relevance',
  '--bench-time',
  '20',
  '--quiet',
]
const baseSummary = () => join(folder('base'), 'summary.csv')

type Row = Record<string, string>
/**
 * A copy of a summary.csv with its rows changed (and filtered) by `edit`, in a folder of its own without manifest.json.
 */
function copy(name: string, edit: (r: Row, i: number) => Row | null): string {
  const rows = readCsvRows(baseSummary())
  const columns = Object.keys(rows[0])
  mkdirSync(folder(name), { recursive: true })
  const file = join(folder(name), 'summary.csv')
  const kept = rows.map((r, i) => edit({ ...r }, i)).filter((r): r is Row => r !== null)
  writeFileSync(file, stringify([columns, ...kept.map((r) => columns.map((c) => r[c]))]))
  return file
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout)

beforeAll(() => {
  for (const [name, extra] of [
    ['base', []],
    ['sweep', ['--sweep', 'amazon.adSlots=0']],
    ['param', ['--param', 'amazon.adSlots=0']],
    ['rounds6', ['--rounds', '6']],
  ] as const) {
    const r = bench([...run, ...extra, '--out', folder(name)])
    expect(r.code, r.stderr).toBe(0)
  }
})

describe('bench compare', () => {
  it('a folder against itself: identical on every seed, gates pass, exit 0; no timing verdict without repeats', () => {
    const r = bench(['compare', folder('base'), folder('base'), '--fail-on', 'gini_exposure:+0.02'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^A = .*base\nB = .*base\n/)
    const lines = r.stdout.split('\n').filter((l) => /^B:(amazon|relevance) /.test(l))
    expect(lines.length).toBeGreaterThan(60)
    // A rate over an empty group is empty (relevance sells no ads: no CPC); such a metric has nothing to compare.
    const empty = lines.filter((l) => / no values in A$/.test(l))
    expect(empty.every((l) => /^B:relevance vs A:relevance /.test(l))).toBe(true)
    const timing = lines.filter((l) => / not enough timing samples /.test(l))
    expect(timing).toHaveLength(2 * 5)
    for (const line of lines.filter((l) => !empty.includes(l) && !timing.includes(l)))
      expect(line).toMatch(/paired 3 .* no significant change +identical on every seed$/)
    expect(r.stderr).toMatch(/^fail-on gini_exposure:\+0\.02: pass — 2 rows within \+0\.02/m)
    const speed = bench(['compare', folder('base'), folder('base'), '--fail-on', 'sessions_per_sec:-10%'])
    expect(speed.code).toBe(1)
    expect(speed.stderr).toMatch(/^fail-on sessions_per_sec:-10%: inconclusive — .*timing without repeats/m)
  })

  it('a planted regression (gini_exposure +0.05 on every seed of a 3-seed copy) fails the gate with exit 1', () => {
    const planted = copy('planted', (r) => ({ ...r, gini_exposure: String(Number(r.gini_exposure) + 0.05) }))
    const r = bench(['compare', baseSummary(), planted, '--fail-on', 'gini_exposure:+0.02', '--format', 'json'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^fail-on gini_exposure:\+0\.02: fail — B:amazon vs A:amazon \/ small: ` +
          String.raw`Δ \+0\.05 \[\+0\.05, \+0\.05\], all beyond \+0\.02$`,
        'm',
      ),
    )
    expect(r.stderr).toMatch(/compare: gates 1 failed/)
    const out = json(r)
    expect(out.gates).toEqual([expect.objectContaining({ spec: 'gini_exposure:+0.02', status: 'fail' })])
    const gini = out.rows.filter((x: { metric: string }) => x.metric === 'gini_exposure')
    expect(gini.map((x: { test: string; verdict: string; config: string }) => [x.test, x.verdict, x.config])).toEqual([
      ['paired t', 'worse', 'unchecked'],
      ['paired t', 'worse', 'unchecked'],
    ])
    expect(out.notes.join('\n')).toMatch(/planted\/summary\.csv has no manifest\.json: its configuration is unchecked/)
    // The same move within a looser limit passes.
    expect(bench(['compare', baseSummary(), planted, '--fail-on', 'gini_exposure:+0.1']).code).toBe(0)
  })

  it('a gate whose interval straddles the limit is inconclusive: exit 1 unless --allow-inconclusive', () => {
    // Per-seed changes +0.05, −0.03, +0.04: mean +0.02, far too noisy at 3 seeds to place against +0.02.
    const noisy = copy('noisy', (r) => ({
      ...r,
      gini_exposure: String(Number(r.gini_exposure) + [0.05, -0.03, 0.04][Number(r.seed) - 1]),
    }))
    const r = bench(['compare', baseSummary(), noisy, '--fail-on', 'gini_exposure:+0.02', '--metrics', 'gini_exposure'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /fail-on gini_exposure:\+0\.02: inconclusive — .* includes \+0\.02; more seeds would narrow it/,
    )
    expect(r.stderr).toMatch(/--allow-inconclusive lets those pass/)
    expect(
      bench(['compare', baseSummary(), noisy, '--fail-on', 'gini_exposure:+0.02', '--allow-inconclusive']).code,
    ).toBe(0)
    // One seed is too few for any test: inconclusive too.
    const single = copy('single', (r) => (r.seed === '1' ? r : null))
    const one = bench(['compare', single, single, '--fail-on', 'gini_exposure:+0.02'])
    expect(one.code).toBe(1)
    expect(one.stderr).toMatch(/inconclusive — .*too few seeds for a test/)
  })

  it('inputs with no matching rows and a gate exit 1 saying why', () => {
    const amazon = copy('amazon-only', (r) => (r.algorithm === 'amazon' ? r : null))
    const relevance = copy('relevance-only', (r) => (r.algorithm === 'relevance' ? r : null))
    const r = bench(['compare', amazon, relevance, '--fail-on', 'gini_exposure:+0.02'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /note: .*relevance-only\/summary\.csv has no counterpart for amazon \/ small of .*amazon-only\/summary\.csv/,
    )
    expect(r.stdout).toMatch(/note: no rows matched: nothing was compared/)
    expect(r.stderr).toMatch(/fail-on gini_exposure:\+0\.02: fail — matched no rows/)
  })

  it('--baseline relevance on one folder: a paired verdict for every other algorithm', () => {
    const r = bench(['compare', folder('base'), '--baseline', 'relevance', '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const { rows, baseline } = json(r)
    expect(baseline).toBe('relevance')
    expect(rows.length).toBeGreaterThan(30)
    // Metrics relevance leaves empty (a CPC without ads) have no baseline values; every other row is paired, but
    // timing, which is never paired (and without --repeat has no verdict).
    const timing = (x: { metric: string }) => SPEED.includes(x.metric)
    for (const row of rows.filter((x: { baseline: { n: number }; metric: string }) => x.baseline.n > 0 && !timing(x))) {
      expect(row.baseline).toMatchObject({ algorithm: 'relevance', input: 'A', n: 3 })
      expect(row.candidate).toMatchObject({ algorithm: 'amazon', input: 'A' })
      expect(row.test).toBe('paired t')
      expect(row.config).toBe('same')
      expect(['better', 'worse', 'changed', 'no significant change']).toContain(row.verdict)
      if (row.verdict === 'no significant change') expect(row.detectableDiff).toBeGreaterThanOrEqual(0)
    }
    // amazon sells ads, relevance does not: certain with any number of seeds.
    expect(rows.find((x: { metric: string }) => x.metric === 'sponsored_impression_share').verdict).toBe('changed')
  })

  it('a one-value --sweep run and a --param run with the same parameters compare as the same configuration', () => {
    const r = bench(['compare', folder('sweep'), folder('param'), '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const { rows, notes } = json(r)
    // Without ad slots amazon has no CPC: an empty rate, nothing to compare; nothing else is noted.
    expect(notes).toEqual(['no values to compare for avg_cpc'])
    const amazon = rows.filter(
      (x: { candidate: { algorithm: string; n: number } }) => x.candidate.algorithm === 'amazon' && x.candidate.n > 0,
    )
    expect(amazon.length).toBeGreaterThan(30)
    for (const row of amazon) {
      expect(row.baseline.variant).toBe('adSlots=0')
      expect(row.candidate.variant).toBe('')
      // Throughput is measured, not simulated: never paired, and one measurement a side is not enough for a verdict.
      if (SPEED.includes(row.metric)) expect(row.verdict).toBe('not enough timing samples')
      else {
        expect(row.test).toBe('paired t')
        expect(row.diff, row.metric).toBe(0)
      }
    }
    // And against the default amazon the change shows, paired across folders.
    const ads = json(
      bench(['compare', folder('base'), folder('param'), '--metrics', 'ad_revenue', '--format', 'json']),
    ).rows
    expect(ads.find((x: { candidate: { algorithm: string } }) => x.candidate.algorithm === 'amazon')).toMatchObject({
      test: 'paired t',
      verdict: 'changed',
      relDiff: -1,
    })
  })

  it(
    'runs of different scenario configurations are refused with exit 2 naming the difference, ' +
      'unless --allow-mismatch',
    () => {
      const r = bench(['compare', folder('base'), folder('rounds6')])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(
        new RegExp(
          '^bench: .*base and .*rounds6 are not comparable: ' +
            String.raw`scenario\.market\.rounds is 12 in .*base but 6 in .*rounds6 ` +
            String.raw`\(pass --allow-mismatch to compare them anyway\)\n$`,
        ),
      )
      expect(r.stdout).toBe('')
      const allowed = bench(['compare', folder('base'), folder('rounds6'), '--allow-mismatch', '--format', 'json'])
      expect(allowed.code).toBe(0)
      const out = json(allowed)
      expect(
        out.rows.every(
          (x: { config: string; test: string | null }) =>
            x.config === 'differs' && (x.test === 'Welch t' || x.test === null),
        ),
      ).toBe(true)
      expect(out.notes[0]).toMatch(/^MISMATCH \(--allow-mismatch\): scenario\.market\.rounds/)
    },
  )

  it('a results folder computed from a log is compared unpaired, never refused; empty cells are missing values', () => {
    const log = copy('log', (r) =>
      r.algorithm === 'amazon' ? { ...r, ndcg_at_10: '', gmv: r.seed === '1' ? '' : r.gmv } : null,
    )
    writeFileSync(
      join(folder('log'), 'manifest.json'),
      JSON.stringify({ kind: 'log', versions: { trafficbench: '0.1.0' } }),
    )
    const r = bench(['compare', folder('base'), log, '--metrics', 'gini_exposure,gmv,ndcg_at_10', '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const { rows, notes, inputs } = json(r)
    expect(inputs[1].kind).toBe('log')
    const get = (metric: string) => rows.find((x: { metric: string }) => x.metric === metric)
    expect(get('gini_exposure')).toMatchObject({ config: 'log', test: 'Welch t' })
    expect(get('gmv').candidate.n).toBe(2)
    expect(get('ndcg_at_10')).toMatchObject({ verdict: 'no values', test: null })
    expect(notes.join('\n')).toMatch(/was computed from a log .* unpaired \(Welch\)/)
    expect(notes).toContain('no values to compare for ndcg_at_10')
  })

  it('writes table, markdown, CSV and JSON with the test and adjusted p of every row', () => {
    const table = bench(['compare', folder('base'), folder('param'), '--metrics', 'ad_revenue,gini_exposure'])
    expect(table.stdout).toMatch(
      new RegExp(
        '^compared +scenario +metric +better +baseline ± 95% CI +candidate ± 95% CI' +
          String.raw` +Δ \[95% CI\] +adj\. CI +Δ% +test +p +p_holm +verdict +next$`,
        'm',
      ),
    )
    expect(table.stdout).toMatch(
      /p_holm: Holm-adjusted within each \(baseline, candidate\) pair over its metrics \(2 families\)/,
    )
    const all = bench([
      'compare',
      folder('base'),
      folder('param'),
      '--metrics',
      'ad_revenue,gini_exposure',
      '--family',
      'all',
    ])
    expect(all.stdout).toMatch(/p_holm: Holm-adjusted over all 4 tests of this call \(--family all\)/)
    const md = bench(['compare', folder('base'), folder('param'), '--format', 'md', '--metrics', 'ad_revenue'])
    expect(md.stdout).toMatch(/^\| compared \| scenario \| metric \| better \| baseline ± 95% CI/m)
    const csv: Row[] = parse(
      bench(['compare', folder('base'), folder('param'), '--format', 'csv', '--metrics', 'ad_revenue']).stdout,
      { columns: true },
    )
    expect(csv).toHaveLength(2)
    expect(Object.keys(csv[0])).toEqual([
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
    ])
    expect(csv.find((r) => r.candidate_algorithm === 'amazon')).toMatchObject({
      test: 'paired t',
      verdict: 'changed',
      rel_diff: '-1',
    })
  })

  const malformed: [string, (file: string) => void, RegExp][] = [
    [
      'a missing column',
      (f) => writeFileSync(f, 'algorithm,scenario,gini_exposure\namazon,small,0.5\n'),
      /bad\.csv: missing column seed \(columns found: algorithm, scenario, gini_exposure\)/,
    ],
    [
      'text in a number column',
      (f) => writeFileSync(f, readFileSync(baseSummary(), 'utf8').replace(/,0\.8\d+,/, ',high,')),
      /bad\.csv line 2, column \w+ \(value "high"\): Invalid input: expected number, received string/,
    ],
    ['an empty file', (f) => writeFileSync(f, ''), /bad\.csv is empty/],
    [
      'a file that is not CSV',
      (f) => writeFileSync(f, readFileSync(join(folder('base'), 'manifest.json'))),
      /bad\.csv is not valid CSV|bad\.csv: missing columns/,
    ],
  ]
  for (const [what, make, message] of malformed) {
    it(`${what}: a clear error and exit 2`, () => {
      const file = join(work, 'bad.csv')
      make(file)
      const r = bench(['compare', folder('base'), file])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  }

  it('--html writes a new page or replaces its own, never an input or another file', () => {
    const input = join(folder('base'), 'summary.csv')
    const before = readFileSync(input, 'utf8')
    const onInput = bench(['compare', folder('base'), folder('param'), '--html', input])
    expect(onInput.code).toBe(2)
    expect(onInput.stderr).toMatch(/--html .*summary\.csv: exists and is not a comparison page bench compare wrote/)
    expect(readFileSync(input, 'utf8')).toBe(before)
    const page = join(work, 'page.html')
    for (let i = 0; i < 2; i++) expect(bench(['compare', folder('base'), folder('param'), '--html', page]).code).toBe(0)
  })

  it('refuses a missing input, an unknown metric or baseline and a bad gate with exit 2', () => {
    expect(bench(['compare', folder('base'), join(work, 'nowhere')]).stderr).toMatch(/nowhere: no such file or folder/)
    expect(bench(['compare', folder('base'), folder('base'), '--metrics', 'gini']).stderr).toMatch(
      /--metrics: no column gini in the inputs/,
    )
    expect(bench(['compare', folder('base'), '--baseline', 'tiktok']).stderr).toMatch(
      /--baseline tiktok: no rows of tiktok in the inputs \(algorithms: amazon, relevance\)/,
    )
    const gate = bench(['compare', folder('base'), folder('base'), '--fail-on', 'gini_exposure>0.1'])
    expect(gate.code).toBe(2)
    expect(gate.stderr).toMatch(/--fail-on gini_exposure>0\.1: expected \[candidate:\]metric:\+limit/)
    const one = bench(['compare', folder('base')])
    expect(one.code).toBe(2)
    expect(one.stderr).toMatch(/compare needs at least two inputs .* or one with --baseline ALGO/)
  })
})
