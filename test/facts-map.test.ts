import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { plausibleSurvival, resolveChecks, unmetConditions } from '../bench/facts/conditions.ts'
import type { Fact } from '../bench/facts/facts.ts'
import { mapPoints, varyAxes } from '../bench/facts/map.ts'
import { factsMapMatrix, robustnessLines } from '../bench/report/charts/facts-map.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { documentedAssumptions, parseSettingFlag, settingInfo, withSettings } from '../bench/runner/plan/settings.ts'
import { tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-facts-map-')

describe('scenario settings by dotted path (bench/runner/plan/settings.ts)', () => {
  it('reads a default and the plausible range declared beside it', () => {
    expect(settingInfo('market.adLossTolerance')).toMatchObject({ defaultValue: 0.5, plausible: [0.25, 1] })
    expect(settingInfo('market.exit.memory')).toMatchObject({ defaultValue: 0.9, plausible: undefined })
    // Through the union of identicalOfferRate (a number, or one rate per archetype).
    expect(settingInfo('catalog.identicalOfferRate.trader').defaultValue).toBe(0.55)
    const documented = documentedAssumptions()
    expect(documented.length).toBeGreaterThanOrEqual(5)
    for (const a of documented) {
      const [low, high] = a.plausible!
      expect(low, a.path).toBeLessThanOrEqual(a.defaultValue as number)
      expect(high, a.path).toBeGreaterThanOrEqual(a.defaultValue as number)
      expect(a.basis, a.path).toBeTruthy()
    }
  })

  it('parses PATH=v1,v2 and PATH alone (the plausible ends); refuses what is not a setting, one line each', () => {
    expect(parseSettingFlag('catalog.baseBidShare=0.02,0.08', '--vary').values).toEqual([0.02, 0.08])
    expect(parseSettingFlag('market.adLossTolerance', '--vary').values).toEqual([0.25, 1])
    expect(parseSettingFlag('market.feePricing=false', '--set').values).toEqual([false])
    expect(() => parseSettingFlag('market.nope=1', '--vary')).toThrow(/^--vary market\.nope=1: not a scenario setting/)
    expect(() => parseSettingFlag('market=1', '--set')).toThrow(/not a scenario setting/)
    expect(() => parseSettingFlag('market.exit.memory', '--vary')).toThrow(/expected PATH=v1,v2/)
    expect(() => parseSettingFlag('market.rounds=10,20', '--set')).toThrow(/expected one value/)
    expect(() => parseSettingFlag('market.rounds=10,,20', '--vary')).toThrow(/none empty/)
    expect(() => parseSettingFlag('market.rounds=10,10', '--vary')).toThrow(/listed twice/)
  })

  it('lays settings over a scenario and validates them with the scenario schema', () => {
    const s = withSettings(loadScenario('small'), [
      ['market.adLossTolerance', 0.9],
      ['catalog.identicalOfferRate.trader', 0.3],
    ])
    expect(s.market.adLossTolerance).toBe(0.9)
    expect(s.catalog.identicalOfferRate).toEqual({ factory: 0.5, trader: 0.3, brand: 0.1 })
    expect(s.market.rounds).toBe(12)
    expect(() => withSettings(loadScenario('small'), [['market.adLossTolerance', -1]])).toThrow(
      /market\.adLossTolerance: Too small/,
    )
  })

  it('a scenario file’s "scale" needs "extends" and a numeric setting', () => {
    const alone = join(work, 'alone.json')
    writeFileSync(alone, JSON.stringify({ name: 'alone', scale: { 'market.rounds': 2 } }))
    expect(() => loadScenario(alone)).toThrow(/"scale" multiplies what it extends/)
    const bad = join(work, 'bad.json')
    writeFileSync(bad, JSON.stringify({ extends: 'small', name: 'bad', scale: { 'market.examination': 2 } }))
    expect(() => loadScenario(bad)).toThrow(/market\.examination, which is not a numeric setting/)
    const doubled = join(work, 'doubled.json')
    writeFileSync(doubled, JSON.stringify({ extends: 'small', name: 'doubled', scale: { 'market.rounds': 2 } }))
    expect(loadScenario(doubled).market.rounds).toBe(24)
  })
})

describe('the map’s points (bench/facts/map.ts)', () => {
  const small = loadScenario('small')
  it('one at a time: the base first, then each value that differs from the scenario’s own', () => {
    const axes = varyAxes(['market.adLossTolerance=0.25,0.5,1', 'catalog.baseBidShare=0.02'], small)
    const points = mapPoints(small, axes, false)
    expect(points.map((p) => p.changed)).toEqual([
      [],
      [['market.adLossTolerance', 0.25]],
      [['market.adLossTolerance', 1]],
      [['catalog.baseBidShare', 0.02]],
    ])
    expect(points[0].scenario).toBe(small)
    expect(points[1].scenario.name).toBe('small.market.adLossTolerance_0.25')
    expect(points[1].scenario.market.adLossTolerance).toBe(0.25)
    expect(points[3].settings).toEqual([
      ['market.adLossTolerance', 0.5],
      ['catalog.baseBidShare', 0.02],
    ])
    expect(new Set(points.map((p) => p.scenario.name)).size).toBe(points.length)
  })

  it('a grid: every combination of the listed values, the base added first when it is not among them', () => {
    const axes = varyAxes(['market.adLossTolerance=0.25,1', 'catalog.baseBidShare=0.02,0.05,0.08'], small)
    const points = mapPoints(small, axes, true)
    expect(points).toHaveLength(1 + 2 * 3)
    expect(points[0].changed).toEqual([])
    expect(points.at(-1)!.scenario.catalog.baseBidShare).toBe(0.08)
    expect(points.at(-1)!.scenario.market.adLossTolerance).toBe(1)
  })

  it('"assumptions" is every documented one at the ends of its range; a setting varied twice is refused', () => {
    const axes = varyAxes(['assumptions'], small)
    expect(axes.map((a) => a.path)).toEqual(documentedAssumptions().map((a) => a.path))
    expect(mapPoints(small, axes, false)).toHaveLength(1 + 2 * axes.length)
    expect(() => varyAxes(['market.adLossTolerance=1', 'market.adLossTolerance=2'], small)).toThrow(/varied twice/)
  })
})

describe('market conditions (bench/facts/conditions.ts)', () => {
  const market = (name: string, missing: string[] = [], idle: string[] = []) => ({
    base: { ...loadScenario('small'), name },
    missing: new Set(missing),
    idleOverlays: new Set(idle),
    incumbents: 160,
  })
  const fact = (over: Partial<Fact>): Fact => ({
    id: 'F0',
    claim: 'c',
    source: '000',
    scope: 'any',
    check: { kind: 'compare', left: { algorithm: 'amazon', metric: 'avg_cpc' }, op: '>', right: 0 },
    ...over,
  })

  it('names each unmet condition: inputs, rounds, an overlay the scenario already has', () => {
    expect(unmetConditions(fact({}), market('small'))).toEqual([])
    expect(unmetConditions(fact({}), market('small', ['ad budgets']))).toEqual(['the market has no ad budgets'])
    expect(unmetConditions(fact({ needs: [{ rounds: 20, why: 'it takes time' }] }), market('small'))).toEqual([
      'it needs at least 20 rounds (it takes time); small has 12',
    ])
    const rivals = fact({ needs: [{ inputs: ['ad budgets', 'identical offers'], why: 'rivals churn' }] })
    expect(unmetConditions(rivals, market('s', ['identical offers']))).toEqual([
      'it needs identical offers (rivals churn); s has none',
    ])
    const peak = fact({
      check: {
        kind: 'compare',
        left: { algorithm: 'amazon', metric: 'avg_cpc', scenario: '+black-friday' },
        op: '>',
        right: { algorithm: 'amazon', metric: 'avg_cpc' },
      },
    })
    expect(unmetConditions(peak, market('bf', [], ['+black-friday']))[0]).toMatch(
      /^bf already has the settings of \+black-friday/,
    )
  })

  it('plausible survival over R daily rounds: [0.8^(5R/365), 0.8^(R/365)]; a survival check resolves to it', () => {
    const [low, high] = plausibleSurvival(365)
    expect(low).toBeCloseTo(0.32768, 10)
    expect(high).toBeCloseTo(0.8, 10)
    // 30 rounds: 0.8^(150/365) = 0.9124, 0.8^(30/365) = 0.9818 (docs/MODEL.md's range).
    const [l30, h30] = plausibleSurvival(30)
    expect([l30, h30].map((x) => Number(x.toFixed(4)))).toEqual([0.9124, 0.9818])
    // Among 50 incumbents over 12 rounds: 0.8^(12/365) = 0.99269 + 1.96 √(0.99269 × 0.00731 / 50) > 1, so 1.
    const [l12, h12] = plausibleSurvival(12, 50)
    expect(h12).toBe(1)
    const p = 0.8 ** (60 / 365)
    expect(l12).toBeCloseTo(p - 1.96 * Math.sqrt((p * (1 - p)) / 50), 12)
    const ref = { algorithm: 'relevance', metric: 'seller_survival_rate' as const }
    const [resolved] = resolveChecks([fact({ check: { kind: 'all', checks: [{ kind: 'survival', ref }] } })], 30)
    expect(resolved.check).toEqual({ kind: 'all', checks: [{ kind: 'between', ref, min: 0.9124, max: 0.9818 }] })
  })
})

describe('the robustness map as a matrix (bench/report/charts/facts-map.ts)', () => {
  const row = (scenario: string, changed: string, id: string, holds: string, margin: string) => ({
    scenario,
    changed,
    settings: '',
    seeds: '2',
    id,
    holds,
    margin,
    margin_ci_low: '',
    margin_ci_high: '',
    seeds_holding: '',
    measured: '',
  })
  it('one row per fact, one column per point; says which facts hold everywhere and where the others fail', () => {
    const rows = [
      row('s', '', 'F1', 'yes', '0.2'),
      row('s', '', 'F2', 'yes', '0.1'),
      row('s', '', 'F3', 'n/a', ''),
      row('s.a_1', 'a=1', 'F1', 'yes', '0.1'),
      row('s.a_1', 'a=1', 'F2', 'no', '-0.05'),
      row('s.a_1', 'a=1', 'F3', 'n/a', ''),
      row('s.b_2', 'b=2', 'F1', 'yes (base only)', '0.3'),
      row('s.b_2', 'b=2', 'F2', 'no', '-0.01'),
      row('s.b_2', 'b=2', 'F3', 'n/a', ''),
    ]
    const matrix = factsMapMatrix(rows)
    expect(matrix.columns).toEqual(['base', 'a=1', 'b=2'])
    expect(matrix.rows.map((r) => r.id)).toEqual(['F1', 'F2', 'F3'])
    expect(robustnessLines(matrix)).toEqual([
      'F1: holds at every point',
      'F2: fails at a=1, b=2',
      'F3: not applicable at any point',
    ])
  })
})
