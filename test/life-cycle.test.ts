import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Ledger } from '../bench/market/ledger.ts'
import { ExitParamsSchema, MarketParamsSchema } from '../bench/market/params.ts'
import type { SellerContext } from '../bench/market/sellers/force.ts'
import {
  exitHazard,
  lifeCycle,
  outlook,
  priorBelief,
  trendReach,
  updateBelief,
} from '../bench/market/sellers/life-cycle.ts'
import { repricingOf } from '../bench/metrics/collectors/repricing.ts'
import type { Catalog } from '../core/catalog.ts'
import { makeRng } from '../core/rng.ts'

const defaults = ExitParamsSchema.parse({})
const exit = (over: Partial<typeof defaults> = {}) => ({ ...defaults, ...over })

describe('the exit decision, against hand-worked values', () => {
  it('starts from a break-even prior worth priorRounds rounds of evidence', () => {
    expect(priorBelief(exit({ priorRounds: 4 }), 0.3)).toEqual({ sum: 1.2, weight: 4, level: 0.3, trend: 0 })
  })

  it('updates the exponentially weighted estimate and Holt trend', () => {
    const p = exit({ priorRounds: 4, memory: 0.5, trendSmoothing: 0.25 })
    // Round 1, profit −0.1: S = 0.5·0 − 0.1 = −0.1, W = 0.5·4 + 1 = 3, L = −1/30, b = ¼(−1/30 − 0).
    const b1 = updateBelief(priorBelief(p, 0), -0.1, p)
    expect(b1.sum).toBeCloseTo(-0.1, 12)
    expect(b1.weight).toBe(3)
    expect(b1.level).toBeCloseTo(-1 / 30, 12)
    expect(b1.trend).toBeCloseTo(-1 / 120, 12)
    // Round 2, profit 0.5: S = −0.05 + 0.5 = 0.45, W = 2.5, L = 0.18, b = ¼(0.18 + 1/30) + ¾(−1/120).
    const b2 = updateBelief(b1, 0.5, p)
    expect(b2.weight).toBe(2.5)
    expect(b2.level).toBeCloseTo(0.18, 12)
    expect(b2.trend).toBeCloseTo(0.25 * (0.18 + 1 / 30) - 0.75 / 120, 12)
  })

  it('carries the trend (1/H) Σ_h Σ_{j≤h} φ^j rounds ahead', () => {
    expect(trendReach(exit({ horizon: 1, trendDamping: 0.5 }))).toBeCloseTo(0.5, 12)
    // h = 1: 0.5; h = 2: 0.5 + 0.25 → (0.5 + 0.75) / 2.
    expect(trendReach(exit({ horizon: 2, trendDamping: 0.5 }))).toBeCloseTo(0.625, 12)
    // Closed form φ/(1−φ) · (1 − φ(1 − φ^H) / ((1 − φ) H)) at the defaults φ = 0.95, H = 30.
    const phi = 0.95
    expect(trendReach(defaults)).toBeCloseTo((phi / (1 - phi)) * (1 - (phi * (1 - phi ** 30)) / ((1 - phi) * 30)), 9)
  })

  it(
    'measures the outlook in fixed costs beyond the outside option, ' + 'and turns a shortfall into a capped hazard',
    () => {
      // L = −0.1, b = −0.01 carried 3 rounds, outside 0.05, fixed 0.1: (−0.1 − 0.03 − 0.05) / 0.1 = −1.8.
      expect(outlook({ sum: 0, weight: 1, level: -0.1, trend: -0.01 }, 3, 0.05, 0.1)).toBeCloseTo(-1.8, 12)
      const p = exit({ hazardPerShortfall: 0.004, maxHazard: 0.1 })
      expect(exitHazard(0, p)).toBe(0)
      expect(exitHazard(2.5, p)).toBe(0)
      expect(exitHazard(-1, p)).toBeCloseTo(0.004, 12)
      expect(exitHazard(-1.8, p)).toBeCloseTo(0.0072, 12)
      expect(exitHazard(-1000, p)).toBe(0.1)
    },
  )

  it('a store that sells nothing is not out at once: at the defaults it takes rounds of evidence to fall short', () => {
    const fixed = 0.1
    let b = priorBelief(defaults, 0)
    const hazards: number[] = []
    for (let r = 0; r < 30; r++) {
      b = updateBelief(b, -fixed, defaults)
      hazards.push(exitHazard(outlook(b, trendReach(defaults), 0, fixed), defaults))
    }
    expect(hazards[0]).toBeLessThan(defaults.hazardPerShortfall)
    // The estimate tends to −fixed, so the hazard tends to hazardPerShortfall (times the trend's extra pull while it
    // still falls).
    expect(hazards[29]).toBeGreaterThan(0.9 * defaults.hazardPerShortfall)
    expect(hazards[29]).toBeLessThan(1.5 * defaults.hazardPerShortfall)
    // Survival over the month: Π(1 − h) stays well above half.
    expect(hazards.reduce((s, h) => s * (1 - h), 1)).toBeGreaterThan(0.85)
  })
})

describe('the exit decision, as properties', () => {
  const params = fc.record({
    priorRounds: fc.double({ min: 0, max: 40, noNaN: true }),
    memory: fc.double({ min: 0, max: 1, noNaN: true }),
    trendSmoothing: fc.double({ min: 0, max: 1, noNaN: true }),
    trendDamping: fc.double({ min: 0, max: 0.99, noNaN: true }),
    horizon: fc.integer({ min: 1, max: 60 }),
    outsideOptionPerStore: fc.double({ min: 0, max: 1, noNaN: true }),
    hazardPerShortfall: fc.double({ min: 0, max: 1, noNaN: true }),
    maxHazard: fc.double({ min: 0, max: 1, noNaN: true }),
  })

  it(
    'the hazard is 0 when the outlook covers the outside option, never above maxHazard, ' +
      'and never falls as the outlook worsens',
    () => {
      fc.assert(
        fc.property(
          params,
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.double({ min: 0, max: 1e3, noNaN: true }),
          (p, v, worse) => {
            const h = exitHazard(v, p)
            expect(h).toBeGreaterThanOrEqual(0)
            expect(h).toBeLessThanOrEqual(p.maxHazard)
            if (v >= 0) expect(h).toBe(0)
            expect(exitHazard(v - worse, p)).toBeGreaterThanOrEqual(h)
          },
        ),
      )
    },
  )

  /** The life-cycle force on a market of n sellers whose margins each round come from `margins`. */
  function drive(p: typeof defaults, stores: number[], margins: number[][]) {
    const n = stores.length
    const sellers = {
      count: n,
      active: new Uint8Array(n).fill(1),
      joinRound: new Int32Array(n),
      budgetLeft: new Float64Array(n),
      adBudget: new Float64Array(n),
      stores: Int32Array.from(stores),
    }
    const ledger = { sellerMargin: new Float64Array(n), sellerAdSpend: new Float64Array(n) }
    const draws: number[] = []
    const rng = makeRng(7, 'life-cycle-property')
    const market = MarketParamsSchema.parse({ exit: p })
    const context = {
      market: { sellers } as unknown as Catalog,
      params: market,
      ledger: ledger as unknown as Ledger,
      profit: new Float64Array(n),
      rng: () => {
        const u = rng()
        draws.push(u)
        return u
      },
      syncListings: () => {},
    } as unknown as SellerContext
    const force = lifeCycle(context)
    const reach = trendReach(p)
    const beliefs = stores.map((k) => priorBelief(p, p.outsideOptionPerStore * k))
    const rounds: { exited: number[]; staggerBound: number; coveredExits: number }[] = []
    margins.forEach((row, r) => {
      force.startRound!(r)
      ledger.sellerMargin.set(row)
      draws.length = 0
      const before = sellers.active.slice()
      force.endRound!(r)
      const exited: number[] = []
      let coveredExits = 0
      for (let s = 0; s < n; s++) {
        if (!before[s]) continue
        const fixed = market.overheadPerStore * stores[s]
        beliefs[s] = updateBelief(beliefs[s], row[s] - fixed, p)
        const v = outlook(beliefs[s], reach, p.outsideOptionPerStore * stores[s], fixed)
        if (!sellers.active[s]) {
          exited.push(s)
          if (v >= 0) coveredExits++
        }
      }
      // One draw per seller, active or not; only a draw below maxHazard can make a seller leave.
      expect(draws).toHaveLength(n)
      rounds.push({ exited, staggerBound: draws.filter((u, s) => before[s] && u < p.maxHazard).length, coveredExits })
    })
    return rounds
  }

  it(
    'no seller whose outlook covers its outside option exits; ' +
      'exits per round never exceed the sellers whose draw falls under maxHazard',
    () => {
      fc.assert(
        fc.property(
          params,
          fc.integer({ min: 1, max: 12 }).chain((n) =>
            fc.tuple(
              fc.array(fc.integer({ min: 1, max: 5 }), { minLength: n, maxLength: n }),
              fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }), {
                minLength: 1,
                maxLength: 15,
              }),
            ),
          ),
          (p, [stores, margins]) => {
            for (const round of drive(p, stores, margins)) {
              expect(round.coveredExits).toBe(0)
              expect(round.exited.length).toBeLessThanOrEqual(round.staggerBound)
            }
          },
        ),
        { numRuns: 150 },
      )
    },
  )

  it(
    'a cohort that sells nothing leaves gradually: at most about maxHazard of it per round, ' +
      'and most of it is still there after a month',
    () => {
      const n = 2000
      const rounds = drive(
        defaults,
        Array(n).fill(1),
        Array.from({ length: 30 }, () => Array(n).fill(0)),
      )
      let active = n
      for (const { exited } of rounds) {
        expect(exited.length).toBeLessThanOrEqual(Math.ceil(defaults.maxHazard * active))
        active -= exited.length
      }
      expect(active / n).toBeGreaterThan(0.85)
      expect(active).toBeLessThan(n)
    },
  )
})

describe('repricing, as reported', () => {
  it('counts the raised offers and their price ratios against the catalog', () => {
    expect(repricingOf([10, 20, 5, 8], [10, 25, 15, 8])).toEqual({
      offers: 4,
      repriced: 2,
      meanRatio: (1.25 + 3) / 2,
      maxRatio: 3,
    })
    expect(repricingOf([10, 20], [10, 18])).toEqual({ offers: 2, repriced: 0, meanRatio: 1, maxRatio: 1 })
  })
})
