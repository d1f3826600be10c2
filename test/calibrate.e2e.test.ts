import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { bench, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-calibrate-e2e-')
const SCENARIO = join(ROOT, 'test/fixtures/scenarios/examination-shuffled.json')
const TRUE_CURVE: number[] = JSON.parse(readFileSync(SCENARIO, 'utf8')).market.examination

describe('bench calibrate on a log the kit wrote with a non-default examination curve and shuffled slates', () => {
  const run = join(work, 'run')
  const made = bench([
    'run',
    '--scenario',
    SCENARIO,
    '--algorithms',
    'relevance',
    '--sessions',
    '3000',
    '--write-log',
    '--bench-time',
    '0',
    '--quiet',
    '--out',
    run,
  ])
  const log = join(run, 'impressions-relevance-seed1.csv.gz')
  const out = join(work, 'calibration')
  const calibrated = bench(['calibrate', '--log', log, '--bootstrap', '5', '--scenario', 'my-shop', '--out', out])

  /** The simulator on the calibrated market: relevance, 2 rounds of 300 sessions, `seeds` seeds. */
  const simulateCalibrated = (dir: string, seeds: number) =>
    bench(
      ['run', '--scenario', join(out, 'scenario.json'), '--catalog', join(out, 'catalog'), '--algorithms', 'relevance']
        .concat(['--seeds', String(seeds), '--rounds', '2', '--sessions', '300', '--bench-time', '0', '--quiet'])
        .concat(['--out', dir]),
    )

  it('writes the log with a propensity column of 1 / the slate size', () => {
    expect(made.code, made.stderr).toBe(0)
    const [header, first] = gunzipSync(readFileSync(log)).toString('utf8').split('\r\n')
    expect(header.split(',').at(-1)).toBe('propensity')
    expect(first.split(',').at(-1)).toBe('0.05')
  })

  it('recovers the curve within 10% at positions 2–10, conversion within 5%, and writes a calibration folder', () => {
    expect(calibrated.code, calibrated.stderr).toBe(0)
    for (const f of [
      'fit.csv',
      'scenario.json',
      'catalog/sellers.csv',
      'catalog/products.csv',
      'manifest.json',
      'report.html',
    ])
      expect(existsSync(join(out, f)), f).toBe(true)
    const fit = readCsvRows(join(out, 'fit.csv'))
    for (let k = 2; k <= 10; k++) {
      const row = fit.find((r) => r.quantity === 'examination' && r.key === String(k))!
      expect(Math.abs(Number(row.value) / TRUE_CURVE[k - 1] - 1), `position ${k}`).toBeLessThan(0.1)
    }
    // Conversion P(purchase | click) as the engine tallied it (sellers.csv: every seller's clicks and orders).
    const sellers = readCsvRows(join(run, 'sellers.csv'))
    const sum = (column: string) => sellers.reduce((s, r) => s + Number(r[column]), 0)
    const conversion = Number(fit.find((r) => r.quantity === 'conversion' && r.key === '')!.value)
    expect(Math.abs(conversion / (sum('orders') / sum('clicks')) - 1)).toBeLessThan(0.05)
    expect(calibrated.stdout).toContain(`bench run --scenario ${out}/scenario.json --catalog ${out}/catalog`)
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Click rate by position: logged and fitted')
  })

  it('runs the simulator on the calibrated scenario and catalog, under the chosen scenario name', () => {
    const sim = join(work, 'sim')
    const r = simulateCalibrated(sim, 1)
    expect(r.code, r.stderr).toBe(0)
    expect(readCsvRows(join(sim, 'summary.csv'))[0].scenario).toBe('my-shop')
  })

  it('compares the log, measured round by round, with the simulated market of its name: verdicts, intervals', () => {
    const measured = join(work, 'my-shop')
    const m = bench(['metrics', '--log', log, '--scenario', 'my-shop', '--blocks', 'round', '--out', measured])
    expect(m.code, m.stderr).toBe(0)
    expect(readCsvRows(join(measured, 'summary.csv')).map((r) => r.seed)).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    )
    const sim = join(work, 'sim-3')
    const s = simulateCalibrated(sim, 3)
    expect(s.code, s.stderr).toBe(0)
    const c = bench(['compare', measured, sim, '--metrics', 'gini_exposure,conversion_rate', '--format', 'csv'])
    expect(c.code, c.stderr).toBe(0)
    const rows = parse(c.stdout, { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(2)
    // The buyer tuned to the log: the simulated market converts as the log did.
    expect(rows.find((r) => r.metric === 'conversion_rate')!.verdict).toBe('no significant change')
    for (const row of rows) {
      expect([row.test, row.baseline_n, row.candidate_n]).toEqual(['Welch t', '12', '3'])
      expect(['better', 'worse', 'changed', 'no significant change']).toContain(row.verdict)
    }
  })

  it('--holdout replays the held-out rounds in their logged order and reproduces their click rate by position', () => {
    const held = join(work, 'held-out')
    const r = bench([
      'calibrate',
      '--log',
      log,
      '--bootstrap',
      '20',
      '--holdout',
      '0.3',
      '--no-tune-buyer',
      '--out',
      held,
    ])
    expect(r.code, r.stderr).toBe(0)
    const validation = readCsvRows(join(held, 'validation.csv'))
    const rates = validation.filter((v) => v.quantity === 'click_rate')
    expect(rates).toHaveLength(20)
    for (const v of rates) expect(v.outside, `position ${v.key}`).toBe('0')
    expect(r.stderr).toMatch(/12 rounds \(8 fitted, 4 held out\)/)
    expect(readFileSync(join(held, 'report.html'), 'utf8')).toContain('Validation on held-out rounds')
  })

  it('rerank --blocks round, then compare against the logged order: paired by round, with intervals', () => {
    const reranked = join(work, 'reranked')
    const flags = ['--algorithms', 'relevance', '--blocks', 'round', '--bootstrap', '20', '--quiet']
    const r = bench(['rerank', '--log', log, '--calibration', out, ...flags, '--out', reranked])
    expect(r.code, r.stderr).toBe(0)
    expect(readCsvRows(join(reranked, 'summary.csv')).map((row) => `${row.algorithm}@${row.seed}`)).toHaveLength(24)
    const c = bench(['compare', reranked, '--baseline', 'logged', '--metrics', 'conversion_rate', '--format', 'csv'])
    expect(c.code, c.stderr).toBe(0)
    const [row] = parse(c.stdout, { columns: true }) as Record<string, string>[]
    expect([row.candidate_algorithm, row.test, row.baseline_n]).toEqual(['relevance', 'paired t', '12'])
    expect(Number(row.ci_low)).toBeLessThan(Number(row.ci_high))
  })

  it('refuses a bad scenario name before reading anything', () => {
    const r = bench(['calibrate', '--log', log, '--scenario', 'my shop', '--out', join(work, 'bad')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^bench: --scenario my shop: expected a name/)
    expect(existsSync(join(work, 'bad'))).toBe(false)
  })
})
