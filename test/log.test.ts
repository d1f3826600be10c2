import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { parquetWriteFile } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import { LOG_COLUMNS } from '../bench/log/format.ts'
import { measureLog } from '../bench/log/measure.ts'
import { ROUND_COLUMNS, SELLER_FILE_COLUMNS, SUMMARY_COLUMNS, SUMMARY_METRICS } from '../bench/metrics/definitions.ts'
import { naturalKey } from '../core/names.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/bench.js')
const FIXTURES = join(ROOT, 'test/fixtures/log')
const LOG = join(FIXTURES, 'impressions.csv')
const SELLERS = join(FIXTURES, 'sellers.csv')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-log-'))

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const readRows = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true })
/** A result file's cell against a hand-worked value: the files keep 8 significant digits. */
const expectCell = (cell: string, value: number, what: string) =>
  expect(Math.abs(Number(cell) - value), `${what} = ${cell}, expected ${value}`).toBeLessThanOrEqual(
    1e-7 * Math.max(1, Math.abs(value)),
  )

/**
 * The hand-made log (test/fixtures/log): sellers A (factory, large, incumbent, active at end),
 * B (trader, small, incumbent, exited), C (brand, small, joined in round 1), D (trader, medium,
 * incumbent, never shown). Sessions: s1 (round 0) shows a1 (A, sponsored, clicked at $0.50, bought
 * at $20) then b1 (B); s2 (round 0) shows nothing; s3 (round 1) shows c1 (C, clicked, bought at
 * $10), a1 (A, sponsored, not clicked), b1 (B, clicked). Exposure weights 1/log2(r+1): w1 = 1,
 * w2 = 1/log2 3, w3 = 1/2.
 */
const w2 = 1 / Math.log2(3)
const E = { A: 1 + w2, B: w2 + 0.5, C: 1, D: 0 } // A: r0 pos 1 + r1 pos 2; B: r0 pos 2 + r1 pos 3; C: r1 pos 1
const total = 2.5 + 2 * w2 // Σ exposure
const HAND_SUMMARY: Record<string, number> = {
  sellers_active: 3, // A, C, D active at end
  // Sorted exposure 0, 1, w2 + ½, 1 + w2 with weights (2i − n − 1) = −3, −1, 1, 3 over n Σ:
  // (−1 + w2 + ½ + 3 + 3 w2) / (4 (2.5 + 2 w2)).
  gini_exposure: (2.5 + 4 * w2) / (4 * total),
  gini_revenue: (1 * 10 + 3 * 20) / (4 * 30), // revenue 0, 0, 10, 20
  top10_exposure_share: E.A / total, // ⌈4/10⌉ = 1 seller: A
  hhi_revenue: ((100 * 20) / 30) ** 2 + ((100 * 10) / 30) ** 2, // A 2/3, C 1/3
  new_seller_exposure_share: E.C / total, // C joined in round 1
  small_seller_revenue_share: 10 / 30, // B and C are small; C sold $10
  zero_ad_seller_exposure_share: (E.B + E.C) / total, // only A paid for a click
  // shoes {a1, b1} and hats {c1} have no more than 10 products: a top-10 list keeps them whatever the ranking
  // does, so rank_persistence has no category to judge (empty) and leaves both out.
  rank_persistence_excluded_categories: 2,
  seller_survival_rate: 2 / 3, // incumbents A, B, D; B exited
  conversion_rate: 2 / 3, // 2 orders, 3 sessions (s2 showed nothing but counts)
  avg_price_paid: 30 / 2,
  // s1: DCG = 2 + 3 w2, ideal 3 + 2 w2; s3: DCG = 1 + 0 + 2 · ½, ideal 2 + w2 + 0;
  // mean over the 2 sessions that showed something.
  ndcg_at_10: ((2 + 3 * w2) / (3 + 2 * w2) + 2 / (2 + w2)) / 2,
  gmv: 30,
  ad_revenue: 0.5,
  sponsored_impression_share: 2 / 5,
  avg_cpc: 0.5 / 1,
  factory_survival_rate: 1, // A
  trader_survival_rate: 1 / 2, // B exited, D stayed
  brand_survival_rate: 0, // no incumbent brand
  factory_revenue_share_change: 0 - 1, // round 0: all revenue is A's; round 1: all C's
}
const HAND_ROUNDS = [
  // round 0: exposure A 1, B w2: sorted 0, 0, w2, 1 → (w2 + 3) / (4 (1 + w2))
  {
    round: 0,
    gini_exposure: (w2 + 3) / (4 * (1 + w2)),
    new_seller_exposure_share: 0,
    sponsored_impression_share: 1 / 2,
    avg_cpc: 0.5,
    gmv: 20,
    avg_price_paid: 20,
    small_seller_exposure_share: w2 / (1 + w2),
  },
  // round 1: exposure A w2, B ½, C 1: sorted 0, ½, w2, 1 → (−½ + w2 + 3) / (4 (1.5 + w2))
  {
    round: 1,
    gini_exposure: (2.5 + w2) / (4 * (1.5 + w2)),
    new_seller_exposure_share: 1 / (1.5 + w2),
    sponsored_impression_share: 1 / 3,
    avg_cpc: 0,
    gmv: 10,
    avg_price_paid: 10,
    small_seller_exposure_share: 1.5 / (1.5 + w2),
  },
]
const EMPTY_SUMMARY = [
  'exposure_merit_tvd',
  'median_seller_margin',
  'buyer_surplus',
  'avg_delivery_days',
  'commission_revenue',
  'take_rate',
  'declared_price_change',
  'cheapest_offer_exposure_share',
  'flagged_listing_exposure_share',
  'outside_haul_box_impression_share',
  'declared_price_composition_effect',
  'rank_persistence',
  'repriced_offers',
  'repriced_offer_share',
  'mean_repricing_ratio',
  'max_repricing_ratio',
]

/** The hand-made log as Parquet, with the types a warehouse export would use. */
function handParquet(file: string, change?: (rows: Record<string, string>[]) => void): void {
  const rows = readRows(LOG)
  change?.(rows)
  const num = (c: string) => rows.map((r) => (r[c] === '' ? null : Number(r[c])))
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'session_id', data: rows.map((r) => r.session_id), type: 'STRING' },
      { name: 'round', data: num('round'), type: 'INT32' },
      { name: 'position', data: num('position'), type: 'INT32' },
      ...['product_id', 'seller_id', 'category', 'query_id'].map((c) => ({
        name: c,
        data: rows.map((r) => r[c] || null),
        type: 'STRING' as const,
      })),
      ...['sponsored', 'clicked', 'purchased'].map((c) => ({
        name: c,
        data: rows.map((r) => r[c] === '1'),
        type: 'BOOLEAN' as const,
      })),
      ...['price', 'cpc', 'relevance'].map((c) => ({ name: c, data: num(c), type: 'DOUBLE' as const })),
      { name: 'user_agent', data: rows.map(() => 'not read'), type: 'STRING' }, // an extra column is ignored
    ],
    rowGroupSize: 4,
  })
}

describe('bench metrics on a hand-made log (worked out by hand)', () => {
  const out = join(work, 'hand')
  const run = bench('metrics', '--log', LOG, '--sellers', SELLERS, '--out', out, '--name', 'my-shop')

  it("writes the results folder with the simulation's columns", () => {
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\r\n')[0]).toBe(SUMMARY_COLUMNS.join(','))
    expect(readFileSync(join(out, 'rounds.csv'), 'utf8').split('\r\n')[0]).toBe(ROUND_COLUMNS.join(','))
    expect(readFileSync(join(out, 'sellers.csv'), 'utf8').split('\r\n')[0]).toBe(SELLER_FILE_COLUMNS.join(','))
    expect(existsSync(join(out, 'report.html'))).toBe(true)
  })

  it(
    'computes every summary metric the log defines as worked out by hand, ' +
      'and leaves the others empty with the reason',
    () => {
      const [row] = readRows(join(out, 'summary.csv'))
      expect(row).toMatchObject({ algorithm: 'my-shop', variant: '', scenario: 'impressions', seed: '0' })
      for (const [metric, value] of Object.entries(HAND_SUMMARY)) expectCell(row[metric], value, metric)
      for (const metric of EMPTY_SUMMARY) expect(row[metric], metric).toBe('')
      expect(Object.keys(HAND_SUMMARY).length + EMPTY_SUMMARY.length).toBe(SUMMARY_METRICS.length)
      expect(run.stderr).toMatch(/summary\.csv exposure_merit_tvd: needs the hidden truth/)
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
      expect(manifest.kind).toBe('log')
      expect(manifest).not.toHaveProperty('scenario')
      expect(manifest.empty['summary.csv'].take_rate).toMatch(/fees/)
      expect(manifest.read.log).toMatchObject({
        format: 'csv',
        rows: 6,
        sessions: 3,
        sessionsWithImpressions: 2,
        rounds: [0, 1],
        sellers: 4,
      })
    },
  )

  it('computes rounds.csv and sellers.csv by hand', () => {
    const rounds = readRows(join(out, 'rounds.csv'))
    expect(rounds).toHaveLength(2)
    HAND_ROUNDS.forEach((expected, i) => {
      for (const [metric, value] of Object.entries(expected))
        expectCell(rounds[i][metric], value, `round ${i} ${metric}`)
      expect(rounds[i].sellers_active).toBe('')
    })
    const sellers = readRows(join(out, 'sellers.csv'))
    expect(sellers.map((s) => s.seller_id)).toEqual(['A', 'B', 'C', 'D'])
    expect(sellers[0]).toMatchObject({
      archetype: 'factory',
      size_tier: 'large',
      join_round: '0',
      impressions: '2',
      clicks: '1',
      orders: '1',
      revenue: '20',
      ad_spend: '0.5',
      fees: '',
      profit: '',
      active_at_end: '1',
    })
    expectCell(sellers[0].exposure, E.A, 'exposure of A')
    expect(sellers[3]).toMatchObject({ exposure: '0', impressions: '0', active_at_end: '1' })
  })

  it("reads the same log from gzip'd CSV and from Parquet with identical results", async () => {
    const gz = join(work, 'hand.csv.gz')
    writeFileSync(gz, gzipSync(readFileSync(LOG)))
    const pq = join(work, 'hand.parquet')
    handParquet(pq)
    const options = { sellers: SELLERS, positionBias: 'log2', name: 'x' }
    const [csv, zipped, parquet] = await Promise.all([LOG, gz, pq].map((log) => measureLog({ ...options, log })))
    expect(zipped.summary).toEqual({ ...csv.summary, scenario: 'hand' })
    expect(parquet.summary).toEqual({ ...csv.summary, scenario: 'hand' })
    expect(parquet.rounds.map((r) => ({ ...r, scenario: '' }))).toEqual(csv.rounds.map((r) => ({ ...r, scenario: '' })))
    expect(parquet.read.log).toMatchObject({ format: 'parquet' })
    // Library level: the same numbers to 1e-12.
    for (const [metric, value] of Object.entries(HAND_SUMMARY))
      expect(Math.abs((csv.summary[metric] as number) - value), metric).toBeLessThan(1e-12)
  })

  it('without --sellers defines what the log alone can, over the sellers it names', async () => {
    const m = await measureLog({ log: LOG, positionBias: 'log2' })
    // Sellers A, B, C only: exposure 1 + w2, w2 + ½, 1; Gini over n = 3 with weights −2, 0, 2.
    expect(m.summary.gini_exposure).toBeCloseTo((2 * E.A - 2 * E.C) / (3 * total), 12)
    expect(m.summary.new_seller_exposure_share).toBe('')
    expect(m.empty.find((e) => e.column === 'seller_survival_rate')?.reason).toBe(
      "needs each seller's join round (a log: join_round in --sellers); and which sellers are active at the end " +
        '(a log: active_at_end in --sellers)',
    )
  })

  it('counts a session id reused in another round as a new session (ids numbered per day)', async () => {
    const file = join(work, 'per-day.csv')
    writeFileSync(file, readFileSync(LOG, 'utf8').replaceAll('s3,1,', 's1,1,'))
    const reused = await measureLog({ log: file, sellers: SELLERS, positionBias: 'log2', name: 'my-shop' })
    const original = await measureLog({ log: LOG, sellers: SELLERS, positionBias: 'log2', name: 'my-shop' })
    expect(reused.summary).toEqual({ ...original.summary, scenario: 'per-day' })
  })

  it('takes the position bias as an option', async () => {
    const none = await measureLog({ log: LOG, sellers: SELLERS, positionBias: 'none' })
    expect(none.sellers.map((s) => s.exposure)).toEqual([2, 2, 1, 0]) // exposure = impressions
    const listed = await measureLog({ log: LOG, sellers: SELLERS, positionBias: '1,0.5' })
    expect(listed.sellers.map((s) => s.exposure)).toEqual([1.5, 0.5, 1, 0]) // position 3 weighs 0
    await expect(measureLog({ log: LOG, positionBias: 'steep' })).rejects.toThrow(
      /--position-bias steep: expected log2, reciprocal, none or a comma-separated list/,
    )
  })

  it('is accepted by bench report and bench compare, next to a log without --sellers', () => {
    const bare = join(work, 'bare')
    expect(bench('metrics', '--log', LOG, '--out', bare).code).toBe(0)
    const report = bench('report', out)
    expect(report.code, report.stderr).toBe(0)
    const compared = bench('compare', out, bare, '--baseline', 'my-shop', '--format', 'csv')
    expect(compared.code, compared.stderr).toBe(0)
    expect(compared.stdout).toMatch(/^baseline_input,baseline_algorithm,/)
    expect(compared.stdout).toMatch(/A,my-shop,,B,impressions,,impressions,gini_exposure/)
  })
})

describe('bench metrics refuses a malformed log, naming file, line and column, and writes nothing', () => {
  const lines = readFileSync(LOG, 'utf8').trimEnd().split('\n')
  const broken = (name: string, edit: (lines: string[]) => string[]) => {
    const file = join(work, name)
    writeFileSync(file, `${edit([...lines]).join('\n')}\n`)
    return file
  }
  /** An edit that replaces `from` by `to` in the line at index i. */
  const replaceIn = (i: number, from: string, to: string) => (l: string[]) => {
    l[i] = l[i].replace(from, to)
    return l
  }
  const refuse = (log: string, ...extra: string[]) => {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`)
    const r = bench('metrics', '--log', log, '--out', out, ...extra)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(out)).toBe(false)
    return r.stderr.trim()
  }

  it('a bad cell', () => {
    const log = broken('bad-cell.csv', replaceIn(4, 'c1,C,0,1,1', 'c1,C,0,2,1'))
    expect(refuse(log)).toBe(`bench: ${log} line 5, column clicked (value "2"): expected 0 or 1`)
  })

  it('a purchase without a price, a sponsored click without a CPC', () => {
    expect(refuse(broken('no-price.csv', replaceIn(4, ',10,', ',,')))).toMatch(
      /line 5, column price: required when purchased = 1/,
    )
    expect(refuse(broken('no-cpc.csv', replaceIn(1, ',0.5,', ',,')))).toMatch(
      /line 2, column cpc: required on a sponsored click/,
    )
  })

  it('rows out of round order, a session split by another, a repeated position', () => {
    expect(refuse(broken('order.csv', (l) => [l[0], l[4], l[1]]))).toMatch(
      /line 3, column round \(value "0"\): rows must be in round order/,
    )
    expect(refuse(broken('split.csv', (l) => [l[0], l[1], l[3], l[2]]))).toMatch(
      /line 4, column session_id \(value "s1"\): this session had rows earlier/,
    )
    expect(refuse(broken('twice.csv', (l) => [l[0], l[1], l[1]]))).toMatch(
      /line 3, column position \(value "1"\): position 1 appears twice in session "s1"/,
    )
  })

  it('a product that changes seller, a seller missing from --sellers, a missing column, a wrong field count', () => {
    expect(refuse(broken('reseller.csv', replaceIn(5, 'a1,A', 'a1,B')))).toMatch(
      /line 6, column seller_id \(value "B"\): product "a1" belongs to seller "A"/,
    )
    const fewer = join(work, 'fewer-sellers.csv')
    writeFileSync(fewer, 'seller_id\nA\nB\n')
    expect(refuse(LOG, '--sellers', fewer)).toMatch(
      /line 5, column seller_id \(value "C"\): seller "C" is not in .*fewer-sellers\.csv/,
    )
    expect(
      refuse(
        broken('no-cpc-column.csv', (l) =>
          l.map((x) =>
            x
              .split(',')
              .filter((_, i) => i !== 9)
              .join(','),
          ),
        ),
      ),
    ).toMatch(/line 1: missing column cpc/)
    expect(
      refuse(
        broken('short.csv', (l) => {
          l[2] = l[2].slice(0, l[2].lastIndexOf(','))
          return l
        }),
      ),
    ).toMatch(/line 3: 12 fields, but the header has 13/)
  })

  it('a bad row in Parquet is named by row group and row', () => {
    const pq = join(work, 'bad.parquet')
    handParquet(pq, (rows) => (rows[5].position = '-1'))
    expect(refuse(pq)).toMatch(/bad\.parquet row group 1, row 2 \(row 6 of the file\), column position \(value "-1"\)/)
  })

  it("a results folder's sellers.csv holding several runs needs --sellers-run", () => {
    const runSellers = join(work, 'run-sellers.csv')
    const own = readRows(SELLERS)
    const rows = ['amazon', 'temu'].flatMap((algorithm) =>
      own.map((s) =>
        [
          algorithm,
          '',
          'small',
          '1',
          s.seller_id,
          s.archetype,
          s.size_tier,
          s.join_round,
          '0',
          '0',
          '0',
          '0',
          '0',
          '0',
          '0',
          '0',
          s.active_at_end,
        ].join(','),
      ),
    )
    writeFileSync(runSellers, `${[SELLER_FILE_COLUMNS.join(','), ...rows].join('\n')}\n`)
    expect(refuse(LOG, '--sellers', runSellers)).toMatch(
      /holds 2 runs: choose one with --sellers-run \(one of amazon@1, temu@1\)/,
    )
    const out = join(work, 'picked')
    expect(bench('metrics', '--log', LOG, '--sellers', runSellers, '--name', 'temu', '--out', out).code).toBe(0)
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).read.sellers.run).toBe('temu@1')
  })
})

describe('the log metric table', () => {
  it("docs/LOGS.md's format table names every log column", () => {
    const guide = readFileSync(join(ROOT, 'docs/LOGS.md'), 'utf8')
    for (const c of LOG_COLUMNS) expect(guide, c.name).toContain(`\`${c.name}\``)
  })

  it('orders ids naturally, as a generated catalog numbers them', () => {
    const ids = ['p10', 'p2', 'q1', 'p1', 'p002x', 'p100']
    expect(ids.sort((a, b) => (naturalKey(a) < naturalKey(b) ? -1 : 1))).toEqual([
      'p1',
      'p2',
      'p002x',
      'p10',
      'p100',
      'q1',
    ])
  })
})
