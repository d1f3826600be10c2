import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  bytes,
  COSTS,
  checkPlan,
  csvRowCount,
  duration,
  estimatePlan,
  LONG_RUN_SECONDS,
  type PlanSize,
  planSize,
} from '../bench/runner/plan/estimate.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { tempDir } from './helpers/cli.ts'

describe('run size estimate (bench/runner/plan/estimate.ts)', () => {
  const plan = (over: Partial<PlanSize> = {}): PlanSize => {
    const { catalog, market } = loadScenario('default')
    const base = {
      ...catalog,
      rounds: market.rounds,
      sessionsPerRound: market.sessionsPerRound,
      runs: 8,
      seeds: 1,
      benchTimeMs: 300,
    }
    return { ...base, ...over }
  }
  const limits = { totalBytes: 8e9, availableBytes: 4e9, heapBytes: 4e9 }
  it('puts the default job where it was measured (about 40-53 s and 250 MB peak on the reference machine)', () => {
    const e = estimatePlan([plan()])
    expect(e.seconds).toBeGreaterThan(30)
    expect(e.seconds).toBeLessThan(70)
    expect(e.peakBytes).toBeGreaterThan(180e6)
    expect(e.peakBytes).toBeLessThan(350e6)
    // Files of the default run: 1.6 MB measured.
    expect(e.outputBytes).toBeGreaterThan(1e6)
    expect(e.outputBytes).toBeLessThan(3e6)
    expect(checkPlan(e, limits)).toBeNull()
  })
  it('grows with every size of the plan', () => {
    const base = estimatePlan([plan()])
    for (const over of [
      { seeds: 2 },
      { runs: 9 },
      { products: 60000 },
      { sellers: 3000 },
      { rounds: 40 },
      { sessionsPerRound: 6000 },
    ]) {
      const e = estimatePlan([plan(over)])
      expect(e.seconds, JSON.stringify(over)).toBeGreaterThan(base.seconds)
      expect(e.peakBytes + e.outputBytes, JSON.stringify(over)).toBeGreaterThanOrEqual(
        base.peakBytes + base.outputBytes,
      )
    }
    // Impression logs (--write-log): 7.8 bytes gzipped per slot shown, on disk.
    const logged = estimatePlan([plan({ logSlots: 20 })])
    const sessions = plan().rounds * plan().sessionsPerRound * 8
    expect(logged.outputBytes - base.outputBytes).toBeCloseTo(sessions * 20 * COSTS.logBytesPerImpression, 0)
    // Two scenarios one after the other: times add up, the catalogs are not alive together.
    const two = estimatePlan([plan(), plan()])
    expect(two.seconds).toBeCloseTo(2 * base.seconds - COSTS.startupSeconds, 6)
    expect(two.peakBytes).toBeCloseTo(base.peakBytes + base.heapBytes, 0)
  })
  it('refuses what cannot fit, names the estimate and the limit, and announces long runs', () => {
    expect(() => checkPlan(estimatePlan([plan({ seeds: 1e9 })]), limits)).toThrowError(
      /this run is too large: estimated \d.* of memory and [\d,]+ years, but the machine has 8\.0 GB/,
    )
    expect(() => checkPlan(estimatePlan([plan({ products: 3e7 })]), { ...limits, totalBytes: 6e9 })).toThrowError(
      /estimated 9\.\d GB of memory .* but the machine has 6\.0 GB/,
    )
    expect(() => checkPlan({ peakBytes: 5e9, heapBytes: 4.5e9, seconds: 10, outputBytes: 0 }, limits)).toThrowError(
      /result rows need an estimated 4\.5 GB, beyond Node's heap limit of 4\.0 GB/,
    )
    expect(checkPlan(estimatePlan([plan({ sessionsPerRound: 1e9 })]), limits)).toMatch(
      /^bench: estimated .* of memory and \d+ days$/,
    )
    expect(checkPlan({ peakBytes: 5e9, heapBytes: 1e9, seconds: 10, outputBytes: 0 }, limits)).toBe(
      'bench: estimated 5.0 GB of memory and 10 s; only 4.0 GB is free now',
    )
    expect(checkPlan({ peakBytes: 1e8, heapBytes: 1e7, seconds: LONG_RUN_SECONDS + 1, outputBytes: 0 }, limits)).toBe(
      'bench: estimated 100 MB of memory and 2 min',
    )
  })
  it('formats sizes and durations, and counts an imported catalog by its rows', () => {
    expect([0, 999, 1500, 2.5e6, 7.37e9, 4.3e17].map(bytes)).toEqual([
      '0 B',
      '999 B',
      '1.5 kB',
      '2.5 MB',
      '7.4 GB',
      '430 PB',
    ])
    expect([0.2, 42, 150, 7200, 3 * 86400, 1e10].map(duration)).toEqual([
      '1 s',
      '42 s',
      '3 min',
      '2.0 h',
      '3 days',
      '317 years',
    ])
    const dir = tempDir()
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\na,s,c,1\nb,s,c,2')
    writeFileSync(join(dir, 'sellers.csv'), 'seller_id\ns\n')
    expect(csvRowCount(join(dir, 'products.csv'))).toBe(2)
    expect(planSize(loadScenario('small'), { runs: 1, seeds: 1, benchTimeMs: 0, catalogDir: dir })).toMatchObject({
      products: 2,
      sellers: 1,
      buyers: loadScenario('small').catalog.buyers,
    })
  })
})
