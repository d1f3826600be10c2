import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { calibrate } from '../bench/calibrate/index.ts'
import { fitPbm, identifiability } from '../bench/calibrate/pbm.ts'
import { makeRng } from '../core/rng.ts'
import { tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-calibrate-')
type FitRow = { quantity: string; key: string; value: string; std_error: string; n: string }

/**
 * A log from a position-based click model with known parameters, written here (not by the engine):
 * each session shows 10 random products of 300 in random order; a shown product is clicked with
 * probability γ_k · α_a; a session with n clicks buys one of them with probability q · n.
 */
function pbmLog(file: string, gamma: number[], q: number, sessions: number) {
  const rng = makeRng(7, 'pbm-log')
  const alpha = Array.from({ length: 300 }, () => 0.05 + 0.45 * rng())
  const lines = ['session_id,round,position,product_id,seller_id,sponsored,clicked,purchased,price,cpc,category']
  for (let s = 0; s < sessions; s++) {
    const shown = new Set<number>()
    while (shown.size < gamma.length) shown.add(Math.floor(rng() * alpha.length))
    const products = [...shown]
    const clicked = products.map((a, i) => rng() < gamma[i] * alpha[a])
    const clicks = clicked.filter(Boolean).length
    const buys = rng() < q * clicks
    let bought = -1
    if (buys) {
      const pick = Math.floor(rng() * clicks)
      bought = clicked.map((c, i) => (c ? i : -1)).filter((i) => i >= 0)[pick]
    }
    const round = Math.floor((s * 10) / sessions)
    for (const [i, a] of products.entries())
      lines.push(
        `${s},${round},${i + 1},p${a},s${a % 40},0,${clicked[i] ? 1 : 0},${i === bought ? 1 : 0},` +
          `${i === bought ? 20 : ''},,${a % 2 ? 'shoes' : 'hats'}`,
      )
  }
  writeFileSync(file, `${lines.join('\n')}\n`)
}

describe('bench calibrate on a log of known parameters', () => {
  const gamma = [1, 0.7, 0.55, 0.45, 0.38, 0.33, 0.29, 0.26, 0.23, 0.21]
  const q = 0.2
  const file = join(work, 'pbm.csv')
  pbmLog(file, gamma, q, 30_000)

  it('recovers the examination curve within 10% at positions 2–10 and conversion within 5%', async () => {
    const c = await calibrate({ log: file, bootstrap: 3, seed: 1, tuneBuyer: false })
    const rows: FitRow[] = parse(c.files['fit.csv'], { columns: true })
    const value = (quantity: string, key: string) =>
      Number(rows.find((r) => r.quantity === quantity && r.key === key)!.value)
    for (let k = 2; k <= 10; k++) expect(Math.abs(value('examination', String(k)) / gamma[k - 1] - 1)).toBeLessThan(0.1)
    expect(Math.abs(value('conversion', '') / q - 1)).toBeLessThan(0.05)
    // Bootstrap errors are there and of a sensible size for 30,000 sessions.
    const se = Number(rows.find((r) => r.quantity === 'examination' && r.key === '5')!.std_error)
    expect(se).toBeGreaterThan(0)
    expect(se).toBeLessThan(0.05)
    expect(c.fit.warnings).toEqual([])
    expect(value('category_share', 'shoes') + value('category_share', 'hats')).toBeCloseTo(1, 12)
  })

  it('writes a scenario that extends default with the fitted curve, and the same files for the same seed', async () => {
    const a = await calibrate({ log: file, bootstrap: 2, seed: 3 })
    const b = await calibrate({ log: file, bootstrap: 2, seed: 3 })
    expect(a.files).toEqual(b.files)
    const scenario = JSON.parse(a.files['scenario.json'])
    expect(scenario.extends).toBe('default')
    expect(scenario.market.examination).toHaveLength(10)
    expect(scenario.market.rounds).toBe(10)
    expect(scenario.market.sessionsPerRound).toBe(3000)
    expect(scenario.provenance['market.examination']).toMatch(/EM/)
    // The simulator's buyer, tuned to the log's clicks per examination and conversion.
    expect(Object.keys(scenario.market.buyer)).toEqual(['clickBase', 'outsideValue'])
    expect(a.notes.find((n) => n.startsWith('Buyer tuned'))).toMatch(/conversion \d+\.\d% \(log 20\.\d%\)\.$/)
  })
})

describe('--holdout on a stationary log', () => {
  const file = join(work, 'stationary.csv')
  pbmLog(file, [1, 0.6, 0.45, 0.35, 0.3], 0.2, 20_000)

  it('fits on the first rounds and finds the held-out ones reproduced by the fitted model', async () => {
    const c = await calibrate({ log: file, bootstrap: 30, seed: 2, holdout: 0.3, tuneBuyer: false })
    expect(c.heldOut).toEqual([7, 8, 9])
    const rows: Record<string, string>[] = parse(c.files['validation.csv'], { columns: true })
    // Click rates by position: one family, with simultaneous intervals; none may fall outside.
    expect(rows.filter((r) => r.quantity === 'click_rate' && r.outside === '1')).toEqual([])
    // Single quantities at 95%: a chance flag is allowed, a gap beyond 3 standard errors is not.
    for (const q of ['clicks_per_session', 'conversion', 'conversion_rate']) {
      const r = rows.find((x) => x.quantity === q)!
      const se = (Number(r.ci_high) - Number(r.logged)) / 1.959964
      expect(Math.abs(Number(r.logged) - Number(r.simulated)) / se, q).toBeLessThan(3)
    }
    expect(JSON.parse(c.files['scenario.json']).market.rounds).toBe(7)
  })
})

describe('the position-based model', () => {
  it('is exact on counts that it generates in expectation', () => {
    // Two products, each at both positions: clicks = impressions · γ_k · α_a exactly.
    const gamma = [0.9, 0.45]
    const alpha = [0.6, 0.2]
    const pairs = { product: Int32Array.of(0, 0, 1, 1), position: Int32Array.of(1, 2, 1, 2) }
    const impressions = Float64Array.of(1000, 1000, 1000, 1000)
    const clicks = Float64Array.from(pairs.product, (a, i) => 1000 * gamma[pairs.position[i] - 1] * alpha[a])
    const fit = fitPbm(
      { ...pairs, impressions, clicks },
      { products: 2, positions: 2, tolerance: 1e-9, maxIterations: 20000 },
    )
    expect(fit.examination[1] / fit.examination[0]).toBeCloseTo(0.5, 3)
    expect((fit.attractiveness[1] * fit.examination[0]) / (fit.attractiveness[0] * fit.examination[0])).toBeCloseTo(
      1 / 3,
      3,
    )
  })

  it('tells when positions are not linked by any product', () => {
    const pairs = {
      product: Int32Array.of(0, 1, 2),
      position: Int32Array.of(1, 2, 3),
      impressions: Float64Array.of(10, 10, 10),
      clicks: Float64Array.of(1, 1, 1),
    }
    expect(identifiability(pairs, 3, 3)).toEqual({ productsAtSeveralPositions: 0, impressionShare: 0, linkedGroups: 3 })
  })
})
