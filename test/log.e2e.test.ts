import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROUND_COLUMNS, SELLER_FILE_COLUMNS, SUMMARY_COLUMNS, SUMMARY_METRICS } from '../bench/metrics/definitions.ts'
import { bench, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'
import {
  E,
  EMPTY_SUMMARY,
  expectCell,
  HAND_ROUNDS,
  HAND_SUMMARY,
  handParquet,
  LOG,
  SELLERS,
} from './helpers/hand-log.ts'

const work = tempDir('trafficbench-log-')

describe('bench metrics on a hand-made log (worked out by hand)', () => {
  const out = join(work, 'hand')
  const run = bench(['metrics', '--log', LOG, '--sellers', SELLERS, '--out', out, '--name', 'my-shop'])

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
      const [row] = readCsvRows(join(out, 'summary.csv'))
      expect(row).toMatchObject({ algorithm: 'my-shop', variant: '', scenario: 'impressions', seed: '0' })
      for (const [metric, value] of Object.entries(HAND_SUMMARY)) expectCell(row[metric], value, metric)
      for (const metric of EMPTY_SUMMARY) expect(row[metric], metric).toBe('')
      expect(Object.keys(HAND_SUMMARY).length + EMPTY_SUMMARY.length).toBe(SUMMARY_METRICS.length)
      expect(run.stderr).toMatch(/summary\.csv exposure_merit_tvd: needs the hidden truth/)
      const manifest = readManifest(out)
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
    const rounds = readCsvRows(join(out, 'rounds.csv'))
    expect(rounds).toHaveLength(2)
    HAND_ROUNDS.forEach((expected, i) => {
      for (const [metric, value] of Object.entries(expected))
        expectCell(rounds[i][metric], value, `round ${i} ${metric}`)
      expect(rounds[i].sellers_active).toBe('')
    })
    const sellers = readCsvRows(join(out, 'sellers.csv'))
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

  it('is accepted by bench report and bench compare, next to a log without --sellers', () => {
    const bare = join(work, 'bare')
    expect(bench(['metrics', '--log', LOG, '--out', bare]).code).toBe(0)
    const report = bench(['report', out])
    expect(report.code, report.stderr).toBe(0)
    const compared = bench(['compare', out, bare, '--baseline', 'my-shop', '--format', 'csv'])
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
    const r = bench(['metrics', '--log', log, '--out', out, ...extra])
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
    const own = readCsvRows(SELLERS)
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
          '',
          s.join_round,
          '0',
          '',
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
    expect(bench(['metrics', '--log', LOG, '--sellers', runSellers, '--name', 'temu', '--out', out]).code).toBe(0)
    expect(readManifest(out).read.sellers.run).toBe('temu@1')
  })
})
