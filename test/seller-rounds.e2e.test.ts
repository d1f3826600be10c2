import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SELLER_ROUND_FILE_COLUMNS } from '../bench/metrics/definitions.ts'
import { formatNumber } from '../core/csv.ts'
import { bench, type Ran, ROOT, readCsvHeader, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-seller-rounds-')
const ROUNDS = 6
/** Two algorithms × two seeds on a small market: four cells. */
const PLAN = [
  'run',
  '--scenario',
  'small',
  '--rounds',
  String(ROUNDS),
  '--sessions',
  '300',
  '--seeds',
  '2',
  '--algorithms',
  'relevance,amazon',
  '--bench-time',
  '0',
  '--quiet',
  '--seller-rounds',
]
/** sellers.csv's columns that are sums of seller_rounds.csv's same-named column over rounds. */
const SUMMED = ['exposure', 'impressions', 'clicks', 'orders', 'revenue', 'ad_spend']
const COUNTS = ['impressions', 'clicks', 'orders']

const text = (dir: string, file = 'seller_rounds.csv') => readFileSync(join(dir, file), 'utf8')
const cellOf = (r: Record<string, string>) => `${r.algorithm}/${r.variant}/${r.seed}`

describe('bench run --seller-rounds', () => {
  const whole = join(work, 'whole')
  let run: Ran
  beforeAll(() => {
    run = bench([...PLAN, '--workers', '2', '--out', whole])
  })

  it('writes seller_rounds.csv beside the other files, and the manifest says it was asked for', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/throughput\.csv, seller_rounds\.csv, manifest\.json/)
    expect(readCsvHeader(join(whole, 'seller_rounds.csv'))).toBe(SELLER_ROUND_FILE_COLUMNS.join(','))
    expect(SELLER_ROUND_FILE_COLUMNS.join(',')).toBe(
      'algorithm,variant,scenario,seed,round,seller_id,exposure,impressions,clicks,orders,revenue,ad_spend,active',
    )
    expect(readManifest(whole).sellerRounds).toBe(true)
  })

  it("sums each seller's rounds, in round order, to exactly its sellers.csv totals", () => {
    const sellers = readCsvRows(join(whole, 'sellers.csv'))
    const rows = readCsvRows(join(whole, 'seller_rounds.csv'))
    const bySeller = new Map<string, Record<string, string>[]>()
    for (const r of rows) {
      const key = `${cellOf(r)}/${r.seller_id}`
      bySeller.get(key)?.push(r) ?? bySeller.set(key, [r])
    }
    let withRows = 0
    for (const s of sellers) {
      const mine = bySeller.get(`${cellOf(s)}/${s.seller_id}`) ?? []
      if (mine.length) withRows++
      for (const column of SUMMED) {
        let sum = 0
        for (const r of mine) sum += Number(r[column])
        expect([s.algorithm, s.seed, s.seller_id, column, formatNumber(sum)]).toEqual([
          s.algorithm,
          s.seed,
          s.seller_id,
          column,
          s[column],
        ])
        if (COUNTS.includes(column)) for (const r of mine) expect(Number.isInteger(Number(r[column]))).toBe(true)
      }
    }
    expect(withRows).toBeGreaterThan(sellers.length / 2)
    // Every row belongs to a seller of sellers.csv.
    expect(bySeller.size).toBe(withRows)
  })

  it('marks the rounds each seller is in the market, from its join round, consistent with active_at_end', () => {
    const sellers = readCsvRows(join(whole, 'sellers.csv'))
    const rows = readCsvRows(join(whole, 'seller_rounds.csv'))
    // A row is left out only when the seller is out and every value is 0.
    for (const r of rows) expect(r.active === '1' || SUMMED.some((c) => Number(r[c]) !== 0)).toBe(true)
    let exited = 0
    for (const s of sellers) {
      const active = rows
        .filter((r) => cellOf(r) === cellOf(s) && r.seller_id === s.seller_id && r.active === '1')
        .map((r) => Number(r.round))
      const join = Number(s.join_round)
      if (join >= ROUNDS) {
        expect(active).toEqual([])
        continue
      }
      // In the market from its join round, without a gap, until it left (or the run ended).
      expect(active[0]).toBe(join)
      const last = active[active.length - 1]
      expect(active).toEqual(Array.from({ length: last - join + 1 }, (_, i) => join + i))
      if (s.active_at_end === '1') expect(last).toBe(ROUNDS - 1)
      else exited++
    }
    expect(exited).toBeGreaterThan(0)
  })

  it('orders rows like the other files: cells in plan order, then round, then seller', () => {
    const order = readManifest(whole).plan.cells.map((c: { algorithm: string; variant: string; seed: number }) =>
      cellOf({ algorithm: c.algorithm, variant: c.variant, seed: String(c.seed) }),
    )
    const sellerIndex = new Map(
      readCsvRows(join(whole, 'sellers.csv')).map((s, i) => [`${cellOf(s)}/${s.seller_id}`, i]),
    )
    const keys = readCsvRows(join(whole, 'seller_rounds.csv')).map((r) => [
      order.indexOf(cellOf(r)),
      Number(r.round),
      sellerIndex.get(`${cellOf(r)}/${r.seller_id}`)!,
    ])
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
    expect(keys).toEqual(sorted)
    expect(new Set(keys.map((k) => k[0]))).toEqual(new Set([0, 1, 2, 3]))
  })

  it('shards merge into the same bytes, and one worker writes what two do', () => {
    const shards = [0, 1].map((i) => join(work, `shard-${i}`))
    for (const [i, dir] of shards.entries())
      expect(bench([...PLAN, '--workers', '1', '--shard', `${i}/2`, '--out', dir]).code).toBe(0)
    const merged = join(work, 'merged')
    const r = bench(['merge', ...shards, '--out', merged])
    expect(r.code, r.stderr).toBe(0)
    expect(text(merged)).toBe(text(whole))
    expect(readManifest(merged).sellerRounds).toBe(true)
    const one = join(work, 'one-worker')
    expect(bench([...PLAN, '--workers', '1', '--out', one]).code).toBe(0)
    expect(text(one)).toBe(text(whole))
  })

  it('a resumed run that did not gather it reruns its cells for it, and reuses them once they have it', () => {
    const out = join(work, 'resumed')
    const faulty = join(ROOT, 'test/fixtures/faulty.ts')
    const plan = ['run', '--scenario', 'small', '--rounds', '4', '--sessions', '200', '--seeds', '2', '--quiet']
    const withFaulty = [...plan, '--algorithms', 'relevance,faulty', '--plugin', faulty, '--bench-time', '0']
    // The faulty cells fail: the store keeps the relevance cells for a rerun.
    const first = bench([...withFaulty, '--out', out])
    expect(first.code).toBe(1)
    const second = bench([...withFaulty, '--seller-rounds', '--out', out])
    expect(second.code).toBe(1)
    expect(second.stdout).not.toMatch(/reused/)
    const rows = readCsvRows(join(out, 'seller_rounds.csv'))
    expect(new Set(rows.map(cellOf))).toEqual(new Set(['relevance//1', 'relevance//2']))
    const third = bench([...withFaulty, '--seller-rounds', '--out', out])
    expect(third.stdout).toMatch(/2 cell\(s\) reused/)
    expect(readCsvRows(join(out, 'seller_rounds.csv'))).toEqual(rows)
  })
})
