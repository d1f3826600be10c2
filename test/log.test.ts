import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LOG_COLUMNS } from '../bench/log/format.ts'
import { measureLog } from '../bench/log/measure.ts'
import { naturalKey } from '../core/names.ts'
import { tempDir } from './helpers/cli.ts'
import { E, HAND_SUMMARY, handParquet, LOG, SELLERS, total } from './helpers/hand-log.ts'

const ROOT = join(import.meta.dirname, '..')
const work = tempDir('trafficbench-log-')

describe('measureLog on the hand-made log (worked out by hand)', () => {
  it("reads the same log from gzip'd CSV and from Parquet with identical results", async () => {
    const gz = join(work, 'hand.csv.gz')
    writeFileSync(gz, gzipSync(readFileSync(LOG)))
    const pq = join(work, 'hand.parquet')
    handParquet(pq)
    const options = { sellers: SELLERS, positionBias: 'log2', name: 'x' }
    const [csv, zipped, parquet] = await Promise.all([LOG, gz, pq].map((log) => measureLog({ ...options, log })))
    expect(zipped.summary).toEqual([{ ...csv.summary[0], scenario: 'hand' }])
    expect(parquet.summary).toEqual([{ ...csv.summary[0], scenario: 'hand' }])
    expect(parquet.rounds.map((r) => ({ ...r, scenario: '' }))).toEqual(csv.rounds.map((r) => ({ ...r, scenario: '' })))
    expect(parquet.read.log).toMatchObject({ format: 'parquet' })
    // Library level: the same numbers to 1e-12.
    for (const [metric, value] of Object.entries(HAND_SUMMARY))
      expect(Math.abs((csv.summary[0][metric] as number) - value), metric).toBeLessThan(1e-12)
  })

  it('without --sellers defines what the log alone can, over the sellers it names', async () => {
    const m = await measureLog({ log: LOG, positionBias: 'log2' })
    // Sellers A, B, C only: exposure 1 + w2, w2 + ½, 1; Gini over n = 3 with weights −2, 0, 2.
    expect(m.summary[0].gini_exposure).toBeCloseTo((2 * E.A - 2 * E.C) / (3 * total), 12)
    expect(m.summary[0].new_seller_exposure_share).toBe('')
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
    expect(reused.summary).toEqual([{ ...original.summary[0], scenario: 'per-day' }])
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
