import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { measureLog } from '../bench/log/measure.ts'
import { ImpressionLogWriter, type SessionOutcome } from '../bench/log/write.ts'
import type { Catalog } from '../core/catalog.ts'
import { tinyMarket } from '../datasets/tiny.ts'
import { tempDir } from './helpers/cli.ts'
import {
  MARKUP,
  NOT_FROM_THIS_LOG,
  near,
  playRoutes,
  playSessions,
  ROUNDS,
  routeCatalog,
  SEED,
  SESSIONS,
} from './helpers/log-routes.ts'

const work = tempDir('trafficbench-log-routes-')

describe('one definition, two routes: the simulator-style log reproduces the tallied metrics', () => {
  let catalog: Catalog
  let log: string
  let sellersFile: string
  let expected: ReturnType<typeof playRoutes>['expected']
  beforeAll(() => {
    ;({ catalog, log, sellersFile, expected } = playRoutes(work))
  })

  it('agrees on every summary metric the log defines, to 1e-9, and leaves exactly the others empty', async () => {
    const m = await measureLog({ log, sellers: sellersFile, name: 'driver', positionBias: 'log2' })
    expect(m.read.sellers).toMatchObject({ run: `driver@${SEED}` })
    expect(m.empty.filter((e) => e.file === 'summary.csv').map((e) => e.column)).toEqual(NOT_FROM_THIS_LOG)
    for (const [metric, value] of Object.entries(expected.summary))
      expect(
        near(m.summary[0][metric] as number, value),
        `${metric}: log ${m.summary[0][metric]}, tallied ${value}`,
      ).toBe(true)
    // The driver produced what makes the check meaningful: empty sessions, ads, purchases, persistence with ties.
    expect(m.read.log).toMatchObject({ sessions: SESSIONS })
    expect((m.read.log as { sessionsWithImpressions: number }).sessionsWithImpressions).toBeLessThan(SESSIONS)
    expect(expected.boundaryTies).toBeGreaterThan(0)
    for (const metric of ['ad_revenue', 'gmv', 'rank_persistence', 'new_seller_exposure_share', 'seller_survival_rate'])
      expect(expected.summary[metric], metric).toBeGreaterThan(0)
  })

  it('agrees round by round and seller by seller; revenue is the retail price the log records', async () => {
    const m = await measureLog({ log, sellers: sellersFile, sellersRun: `driver@${SEED}`, positionBias: 'log2' })
    expect(m.rounds).toHaveLength(ROUNDS)
    expected.roundRows.forEach((row, r) => {
      for (const [metric, value] of Object.entries(row))
        expect(near(m.rounds[r][metric] as number, value), `round ${r} ${metric}`).toBe(true)
    })
    const t = expected.sellers
    m.sellers.forEach((row, s) => {
      expect(row.seller_id).toBe(catalog.sellers.id[s])
      for (const [column, key] of [
        ['exposure', 'exposure'],
        ['impressions', 'impressions'],
        ['clicks', 'clicks'],
        ['orders', 'orders'],
        ['ad_spend', 'adSpend'],
      ] as const)
        expect(near(row[column] as number, t[key][s]), `${row.seller_id} ${column}`).toBe(true)
      expect(near(row.revenue as number, t.revenue[s] * MARKUP)).toBe(true)
    })
  })
})

describe('the log writer', () => {
  const catalog = routeCatalog()

  it('writes byte-identical files for identical sessions, in large gzip chunks', () => {
    const files = ['a', 'b'].map((name) => {
      const file = join(work, `${name}.csv.gz`)
      const writer = new ImpressionLogWriter(file, catalog)
      for (const o of playSessions(catalog)) writer.write(o)
      writer.close()
      return readFileSync(file)
    })
    expect(files[0].equals(files[1])).toBe(true)
    const text = gunzipSync(files[0]).toString('utf8')
    // More than one chunk (each a gzip member) was written, and gunzip reads them as one stream.
    expect(text.length).toBeGreaterThan(4 << 20)
    expect(text.split('\r\n')[0]).toBe(
      'session_id,round,position,product_id,seller_id,sponsored,clicked,purchased,price,cpc,category,query_id',
    )
  })

  it(
    'writes a session that showed nothing as one row with a blank position, quotes odd ids, ' +
      'and leaves no file on abort',
    async () => {
      const market = tinyMarket([{}, {}], [{ seller: 0 }, { seller: 1 }])
      ;(market.products.id as string[])[0] = 'odd,"id"'
      const file = join(work, 'tiny.csv.gz')
      const writer = new ImpressionLogWriter(file, market)
      const session = (s: number, count: number, purchasedSlot = -1): SessionOutcome => ({
        round: 0,
        session: s,
        category: 0,
        count,
        products: Int32Array.of(0, 1),
        position: Int32Array.of(1, 2),
        sponsored: Uint8Array.of(1, 0),
        cpc: Float64Array.of(0.25, 0),
        clicked: Uint8Array.of(1, 0),
        purchasedSlot,
        retailPrice: 9.99,
      })
      writer.write(session(0, 2, 0))
      writer.write(session(1, 0))
      expect(existsSync(file)).toBe(false) // only on close
      writer.close()
      expect(gunzipSync(readFileSync(file)).toString('utf8').split('\r\n').slice(1)).toEqual([
        '0,0,1,"odd,""id""",s0,1,1,1,9.99,0.25,home-0,home-0',
        '0,0,2,p1,s1,0,0,0,,,home-0,home-0',
        '1,0,,,,,,,,,,home-0',
        '',
      ])
      const m = await measureLog({ log: file, positionBias: 'log2' })
      expect(m.summary[0]).toMatchObject({ conversion_rate: 1 / 2, gmv: 9.99, ad_revenue: 0.25 })
      expect(m.sellers.map((s) => s.seller_id)).toEqual(['s0', 's1'])

      const dropped = join(work, 'dropped.csv.gz')
      const aborted = new ImpressionLogWriter(dropped, market)
      aborted.write(session(0, 2))
      aborted.abort()
      expect(readdirSync(work).filter((f) => f.startsWith('dropped'))).toEqual([])
    },
  )
})
