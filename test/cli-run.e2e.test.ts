import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ROUND_COLUMNS,
  SELLER_FILE_COLUMNS,
  SUMMARY_COLUMNS,
  THROUGHPUT_COLUMNS,
} from '../bench/metrics/definitions.ts'
import { BUILT_INS } from './helpers/builtins.ts'
import { bench, type Ran, ROOT, readCsvHeader, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-e2e-')

describe('bench run on the small scenario (the real CLI)', () => {
  const first = join(work, 'first')
  const second = join(work, 'second')
  let run: Ran
  beforeAll(() => {
    run = bench(['run', '--scenario', 'small', '--seeds', '2', '--out', first])
    bench(['run', '--scenario', 'small', '--seeds', '2', '--out', second, '--bench-time', '20'])
  })

  it('exits 0, prints a result table and writes the result files with the exact headers', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/small: 10 runs × 2 seed\(s\)/)
    for (const a of BUILT_INS) expect(run.stdout).toMatch(new RegExp(`^${a} `, 'm'))
    expect(readdirSync(first).sort()).toEqual([
      'manifest.json',
      'report.html',
      'rounds.csv',
      'sellers.csv',
      'summary.csv',
      'throughput.csv',
    ])
    expect(readCsvHeader(join(first, 'summary.csv'))).toBe(SUMMARY_COLUMNS.join(','))
    expect(readCsvHeader(join(first, 'rounds.csv'))).toBe(ROUND_COLUMNS.join(','))
    expect(readCsvHeader(join(first, 'sellers.csv'))).toBe(SELLER_FILE_COLUMNS.join(','))
    expect(readCsvHeader(join(first, 'throughput.csv'))).toBe(THROUGHPUT_COLUMNS.join(','))
  })

  it('writes one summary row per algorithm × seed, every metric a finite number in range', () => {
    const rows = readCsvRows(join(first, 'summary.csv'))
    expect(rows.map((r) => `${r.algorithm}/${r.seed}`).sort()).toEqual(
      BUILT_INS.flatMap((a) => [`${a}/1`, `${a}/2`]).sort(),
    )
    for (const row of rows) {
      expect(row.scenario).toBe('small')
      for (const column of SUMMARY_COLUMNS.slice(3))
        expect(Number.isFinite(Number(row[column])), `${row.algorithm} ${column}=${row[column]}`).toBe(true)
      for (const share of [
        'gini_exposure',
        'top10_exposure_share',
        'new_seller_exposure_share',
        'conversion_rate',
        'ndcg_at_10',
        'sponsored_impression_share',
        'seller_survival_rate',
      ]) {
        expect(Number(row[share])).toBeGreaterThanOrEqual(0)
        expect(Number(row[share])).toBeLessThanOrEqual(1)
      }
      expect(Number(row.hhi_revenue)).toBeLessThanOrEqual(10000)
    }
    const byAlgorithm = (a: string) => rows.filter((r) => r.algorithm === a)
    // Only the ad-selling platforms sell sponsored slots.
    for (const a of ['amazon-haul', 'fair-exposure', 'oracle', 'random', 'relevance', 'temu', 'thompson', 'tiktok'])
      for (const r of byAlgorithm(a)) expect(Number(r.sponsored_impression_share)).toBe(0)
    for (const a of ['amazon', 'aliexpress'])
      for (const r of byAlgorithm(a)) expect(Number(r.ad_revenue)).toBeGreaterThan(0)
    // Rounds: one row per algorithm × seed × round; sellers: one per seller.
    expect(readCsvRows(join(first, 'rounds.csv'))).toHaveLength(BUILT_INS.length * 2 * 12)
    expect(readCsvRows(join(first, 'sellers.csv'))).toHaveLength(BUILT_INS.length * 2 * 200)
    const throughput = readCsvRows(join(first, 'throughput.csv'))
    expect(throughput).toHaveLength(BUILT_INS.length * 2)
    for (const t of throughput) expect(Number(t.rank_ops_per_sec)).toBeGreaterThan(0)
  })

  it('the summary agrees with the per-seller and per-round files', () => {
    const summary = readCsvRows(join(first, 'summary.csv'))
    const sellers = readCsvRows(join(first, 'sellers.csv'))
    const rounds = readCsvRows(join(first, 'rounds.csv'))
    for (const s of summary) {
      const mine = sellers.filter((r) => r.algorithm === s.algorithm && r.seed === s.seed)
      expect(mine.filter((r) => r.active_at_end === '1').length).toBe(Number(s.sellers_active))
      const gmv = rounds
        .filter((r) => r.algorithm === s.algorithm && r.seed === s.seed)
        .reduce((t, r) => t + Number(r.gmv), 0)
      expect(gmv).toBeCloseTo(Number(s.gmv), 0)
    }
  })

  it('is byte-identical across runs of the same command, except throughput and timing', () => {
    for (const f of ['summary.csv', 'rounds.csv', 'sellers.csv'])
      expect(readFileSync(join(second, f), 'utf8')).toBe(readFileSync(join(first, f), 'utf8'))
    const strip = (dir: string) => {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
      delete m.timing
      delete m.command
      return m
    }
    expect(strip(second)).toEqual(strip(first))
  })

  it('records the config, seeds, versions and command line in manifest.json', () => {
    const m = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8'))
    expect(m.command).toBe(`bench run --scenario small --seeds 2 --out ${first}`)
    expect(m.seeds).toEqual([1, 2])
    expect(m.scenario.market.rounds).toBe(12)
    expect(m.algorithms.map((a: { name: string }) => a.name)).toEqual(BUILT_INS)
    expect(m.algorithms.find((a: { name: string }) => a.name === 'amazon').params.priceParity).toBe(true)
    expect(m.versions.zod).toMatch(/^\d+\./)
    expect(typeof m.timing.durationMs).toBe('number')
  })
})

describe('bench list', () => {
  it('lists algorithms with summaries and parameters, scenarios, and metric definitions', () => {
    const r = bench(['list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}temu {9}Price-first managed marketplace/m)
    expect(r.stdout).toMatch(/--param amazon\.priceParity=true/)
    expect(r.stdout).toMatch(/black-friday/)
    expect(r.stdout).toMatch(/gini_exposure +\[lower\] Gini coefficient/)
    expect(r.stdout).toMatch(/rank_p99_us/)
  })
})

describe('CLI conventions', () => {
  it('--version prints the version of package.json', () => {
    const r = bench(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
  })
  it('run --format json prints the table as JSON, list --format json the listing', () => {
    const out = join(work, 'json')
    const r = bench([
      'run',
      '--scenario',
      'small',
      '--rounds',
      '2',
      '--algorithms',
      'relevance,temu',
      '--sweep',
      'temu.markup=1.2,1.5',
      '--bench-time',
      '0',
      '--format',
      'json',
      '--out',
      out,
    ])
    expect(r.stderr).toBe('')
    const printed = JSON.parse(r.stdout)
    expect(printed).toMatchObject({ scenario: 'small', runs: 3, seeds: [1], results: out })
    expect(printed.rows.map((x: { algorithm: string; variant: string }) => `${x.algorithm}/${x.variant}`)).toEqual([
      'relevance/',
      'temu/markup=1.2',
      'temu/markup=1.5',
    ])
    const summary = readCsvRows(join(out, 'summary.csv'))
    expect(printed.rows[0].gini_exposure).toBeCloseTo(Number(summary[0].gini_exposure), 6)
    const listed = JSON.parse(bench(['list', '--format', 'json']).stdout)
    // Built-ins that run only when named (they need parameters) are listed after the others, marked.
    const algorithms = listed.algorithms as { name: string; onDemand: boolean }[]
    expect(algorithms.filter((a) => !a.onDemand).map((a) => a.name)).toEqual(BUILT_INS)
    expect(algorithms.filter((a) => a.onDemand).map((a) => a.name)).toEqual(['onnx'])
    expect(listed.algorithms.find((a: { name: string }) => a.name === 'amazon').params.priceParity).toBe(true)
    expect(listed.scenarios.map((s: { name: string }) => s.name)).toEqual(['black-friday', 'default', 'small', 'year'])
    expect(listed.metrics.summary.map((m: { name: string }) => m.name)).toEqual(SUMMARY_COLUMNS.slice(4))
  })
  it('the default results folder is results/NAME-TIMESTAMP under the working directory', () => {
    const cwd = tempDir('trafficbench-cwd-')
    const r = bench(
      [
        'run',
        '--scenario',
        'small',
        '--rounds',
        '2',
        '--sessions',
        '50',
        '--bench-time',
        '0',
        '--algorithms',
        'relevance',
      ],
      { cwd },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(cwd)).toEqual(['results'])
    expect(readdirSync(join(cwd, 'results'))).toEqual([expect.stringMatching(/^small-\d{8}-\d{6}$/)])
  })
})
