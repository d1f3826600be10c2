import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Plugin } from '../algorithms/kit/contract.ts'
import { evaluateFacts, type Fact, loadFacts, plannedRuns } from '../bench/facts/facts.ts'
import { factMargins } from '../bench/facts/margins.ts'
import { loadRegistry } from '../bench/plugins/registry.ts'
import { loadScenario, overlayScenario } from '../bench/runner/plan/scenario.ts'
import type { Row } from '../core/csv.ts'
import { tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-facts-')
let plugins: Map<string, Plugin>
beforeAll(async () => {
  plugins = new Map([...(await loadRegistry())].map(([name, r]) => [name, r.plugin]))
})

describe('the facts as data', () => {
  it('seeds/facts.json holds F1–F14, each citing a seed file, and the model check M1 citing the BLS', () => {
    const facts = loadFacts()
    expect(facts.map((f) => f.id)).toEqual([...Array.from({ length: 14 }, (_, i) => `F${i + 1}`), 'M1'])
    for (const f of facts.slice(0, 14)) expect(['000', '001', '002', '003', '004']).toContain(f.source)
    expect(facts[14].source).toBe('bls-bed')
  })
  it('plans each algorithm × parameter variant once per scenario, overlays included', () => {
    const plan = plannedRuns(loadFacts(), 'small', plugins)
    expect([...plan.keys()]).toEqual(['small', 'small+black-friday'])
    expect(
      plan
        .get('small')!
        .map((r) => `${r.plugin.name}${r.variant ? `(${r.variant})` : ''}`)
        .sort(),
    ).toEqual(['aliexpress', 'amazon', 'amazon(priceParity=false)', 'amazon-haul', 'relevance', 'temu', 'tiktok'])
    expect(plan.get('small+black-friday')!.map((r) => r.plugin.name)).toEqual(['amazon'])
  })
  it('an overlay lays a preset’s own settings over the scenario, its scale factors applied to the base', () => {
    const peak = overlayScenario(loadScenario('small'), 'black-friday')
    expect(peak.name).toBe('small+black-friday')
    expect(peak.catalog.sellers).toBe(200)
    // Three times small's 600 sessions a round and 2.5 times its $6 median ad budget (black-friday.json's "scale").
    expect(peak.market.sessionsPerRound).toBe(1800)
    expect(peak.catalog.medianAdBudget).toBe(15)
    expect(peak.catalog.advertiserShare).toEqual({ factory: 0.8, trader: 0.9, brand: 0.98 })
    // On default the overlay is the black-friday preset itself, as before the scale factors.
    const preset = loadScenario('black-friday')
    expect([preset.market.sessionsPerRound, preset.catalog.medianAdBudget]).toEqual([15000, 15])
    const { name: _a, description: _b, ...onDefault } = overlayScenario(loadScenario('default'), 'black-friday')
    const { name: _c, description: _d, ...itself } = preset
    expect(onDefault).toEqual(itself)
  })
  it('checks evaluate on summary rows as written, each kind by hand', () => {
    const row = (algorithm: string, values: Record<string, number>, variant = '', scenario = 's'): Row => ({
      algorithm,
      variant,
      scenario,
      seed: 1,
      ...values,
    })
    const summary = [
      row('amazon', { rank_persistence: 0.5, take_rate: 0.5, flagged_listing_exposure_share: 0.001, avg_cpc: 1 }),
      row('amazon', { flagged_listing_exposure_share: 0.2 }, 'priceParity=false'),
      row('amazon', { avg_cpc: 2 }, '', 's+black-friday'),
      row('aliexpress', { rank_persistence: 0.4 }),
      row('temu', { rank_persistence: 0.45 }),
    ]
    const fact = (check: Fact['check']): Fact => ({ id: 'F0', claim: 'c', source: '000', scope: 'any', check })
    const holds = (check: Fact['check']) => evaluateFacts([fact(check)], summary, 's', plugins)[0]
    const persistence = (algorithm: string) => ({ algorithm, metric: 'rank_persistence' as const })
    expect(
      holds({
        kind: 'extreme',
        direction: 'highest',
        subject: persistence('amazon'),
        among: [persistence('aliexpress'), persistence('temu')],
      }).holds,
    ).toBe(true)
    expect(
      holds({ kind: 'extreme', direction: 'highest', subject: persistence('temu'), among: [persistence('amazon')] })
        .holds,
    ).toBe(false)
    expect(
      holds({ kind: 'between', ref: { algorithm: 'amazon', metric: 'take_rate' }, min: 0.45, max: 0.6 }).holds,
    ).toBe(true)
    const ratio = holds({
      kind: 'ratioBelow',
      numerator: { algorithm: 'amazon', metric: 'flagged_listing_exposure_share' },
      denominator: { algorithm: 'amazon', metric: 'flagged_listing_exposure_share', params: { priceParity: false } },
      max: 0.01,
    })
    expect(ratio.holds).toBe(true) // 0.001 / 0.2 = 0.005
    expect(ratio.measured).toMatch(/= 0\.005 < 0\.01/)
    expect(
      holds({
        kind: 'compare',
        left: { algorithm: 'amazon', metric: 'avg_cpc', scenario: '+black-friday' },
        op: '>',
        right: { algorithm: 'amazon', metric: 'avg_cpc' },
      }).holds,
    ).toBe(true)
    expect(
      holds({
        kind: 'all',
        checks: [
          { kind: 'compare', left: persistence('amazon'), op: '>', right: 0.6 },
          { kind: 'probe', probe: 'amazon-clothing-fee-brackets' },
        ],
      }).holds,
    ).toBe(false)
  })
  it('a malformed facts file is refused with the field named', () => {
    const file = join(work, 'facts.json')
    writeFileSync(
      file,
      JSON.stringify({
        facts: [
          {
            id: 'F1',
            claim: 'x',
            source: '000',
            scope: 'any',
            check: {
              kind: 'extreme',
              direction: 'up',
              subject: { algorithm: 'amazon', metric: 'rank_persistence' },
              among: [],
            },
          },
        ],
      }),
    )
    expect(() => loadFacts(file)).toThrowError(/facts\.0\.check\.direction/)
    writeFileSync(
      file,
      JSON.stringify({
        facts: [
          {
            id: 'F1',
            claim: 'x',
            source: '000',
            scope: 'any',
            check: { kind: 'compare', left: { algorithm: 'amazon', metric: 'nope' }, op: '>', right: 1 },
          },
        ],
      }),
    )
    expect(() => loadFacts(file)).toThrowError(/facts\.0\.check\.left\.metric/)
  })
})

describe('fact margins (bench/facts/margins.ts)', () => {
  const fact = (check: Fact['check']): Fact => ({ id: 'F0', claim: 'c', source: '000', scope: 'any', check })
  const row = (algorithm: string, seed: number, values: Record<string, number>): Row => ({
    algorithm,
    variant: '',
    scenario: 's',
    seed,
    ...values,
  })

  it('a threshold: (mean − floor)/floor on the means; per seed, its t interval and the seeds holding alone', () => {
    // temu's cheapest-offer share 0.9 and 0.85 against a floor of 0.8.
    const summary = [
      row('temu', 1, { cheapest_offer_exposure_share: 0.9 }),
      row('temu', 2, { cheapest_offer_exposure_share: 0.85 }),
    ]
    const check: Fact['check'] = {
      kind: 'compare',
      left: { algorithm: 'temu', metric: 'cheapest_offer_exposure_share' },
      op: '>=',
      right: 0.8,
    }
    const m = factMargins([fact(check)], summary, 's', plugins).get('F0')!
    // (0.875 − 0.8)/0.8; per seed 0.125 and 0.0625: sd 0.0441942, se 0.03125, t(0.975, 1) = 12.7062.
    expect(m.margin).toBeCloseTo(0.09375, 12)
    expect(m.low).toBeCloseTo(0.09375 - 12.7062047 * 0.03125, 6)
    expect(m.high).toBeCloseTo(0.09375 + 12.7062047 * 0.03125, 6)
    expect([m.seedsHolding, m.seeds]).toEqual([2, 2])
  })

  it('the lead over the best rival; a fact of several checks takes its thinnest; a probe has none', () => {
    const summary = [1, 2].flatMap((seed) => [
      row('amazon', seed, { rank_persistence: seed === 1 ? 0.5 : 0.39, take_rate: 0.5 }),
      row('aliexpress', seed, { rank_persistence: 0.4 }),
      row('temu', seed, { rank_persistence: 0.3 }),
    ])
    const persistence = (algorithm: string) => ({ algorithm, metric: 'rank_persistence' as const })
    const lead: Fact['check'] = {
      kind: 'extreme',
      direction: 'highest',
      subject: persistence('amazon'),
      among: [persistence('aliexpress'), persistence('temu')],
    }
    const band: Fact['check'] = {
      kind: 'between',
      ref: { algorithm: 'amazon', metric: 'take_rate' },
      min: 0.45,
      max: 0.6,
    }
    const m = factMargins([fact({ kind: 'all', checks: [lead, band] })], summary, 's', plugins).get('F0')!
    // Lead on the means (0.445 − 0.4)/0.4 = 0.1125; the band's (0.5 − 0.45)/0.45 = 0.1111 is thinner.
    expect(m.margin).toBeCloseTo(0.05 / 0.45, 12)
    // Seed 2 alone: amazon 0.39 < aliexpress 0.4, so the fact fails there.
    expect(m.seedsHolding).toBe(1)
    expect(factMargins([fact({ kind: 'probe', probe: 'amazon-score-signals' })], summary, 's', plugins).get('F0')).toBe(
      null,
    )
  })
})
