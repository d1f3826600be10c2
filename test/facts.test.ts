import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Plugin } from '../algorithms/kit/contract.ts'
import { evaluateFacts, type Fact, loadFacts, plannedRuns } from '../bench/facts/facts.ts'
import { loadRegistry } from '../bench/plugins/registry.ts'
import { loadScenario, overlayScenario } from '../bench/runner/plan/scenario.ts'
import type { Row } from '../core/csv.ts'

const ROOT = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-facts-'))
let plugins: Map<string, Plugin>
beforeAll(async () => {
  plugins = new Map([...(await loadRegistry())].map(([name, r]) => [name, r.plugin]))
})

describe('the facts as data', () => {
  it('seeds/facts.json holds F1–F14, each citing a seed file', () => {
    const facts = loadFacts()
    expect(facts.map((f) => f.id)).toEqual(Array.from({ length: 14 }, (_, i) => `F${i + 1}`))
    for (const f of facts) expect(['000', '001', '002', '003', '004']).toContain(f.source)
  })
  it('plans each algorithm × parameter variant once per scenario, overlays included', () => {
    const plan = plannedRuns(loadFacts(), 'small', plugins)
    expect([...plan.keys()]).toEqual(['small', 'small+black-friday'])
    expect(
      plan
        .get('small')!
        .map((r) => `${r.plugin.name}${r.variant ? `(${r.variant})` : ''}`)
        .sort(),
    ).toEqual(['aliexpress', 'amazon', 'amazon(priceParity=false)', 'amazon-haul', 'temu', 'tiktok'])
    expect(plan.get('small+black-friday')!.map((r) => r.plugin.name)).toEqual(['amazon'])
  })
  it('an overlay lays a preset’s own settings over the scenario', () => {
    const peak = overlayScenario(loadScenario('small'), 'black-friday')
    expect(peak.name).toBe('small+black-friday')
    expect(peak.catalog.sellers).toBe(200)
    expect(peak.market.sessionsPerRound).toBe(15000)
    expect(peak.catalog.medianAdBudget).toBe(15)
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

describe('bench facts on the small scenario (the real CLI)', () => {
  const out = join(work, 'run')
  let result: { code: number | null; stdout: string; stderr: string }
  beforeAll(() => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/bench.js'),
        'facts',
        '--scenario',
        'small',
        '--seeds',
        '2',
        '--format',
        'csv',
        '--out',
        out,
        '--quiet',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    result = { code: r.status, stdout: r.stdout, stderr: r.stderr }
  })

  it('prints and writes facts.csv beside the results of the runs it made', () => {
    expect(result.code, result.stderr).toBe(0)
    const printed = parse(result.stdout, { columns: true }) as Record<string, string>[]
    expect(readFileSync(join(out, 'facts.csv'), 'utf8').replace(/\r\n/g, '\n')).toBe(
      result.stdout.replace(/\r\n/g, '\n'),
    )
    expect(printed.map((f) => f.id)).toHaveLength(14)
    expect(result.stderr).toMatch(/of 12 facts hold on small \(2 seeds\)/)
  })

  it('reads the same numbers as the summary.csv of the same run', () => {
    const facts = parse(readFileSync(join(out, 'facts.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    const summary = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    const mean = (algorithm: string, metric: string, variant = '') => {
      const rows = summary.filter((r) => r.algorithm === algorithm && r.variant === variant && r.scenario === 'small')
      return rows.reduce((s, r) => s + Number(r[metric]), 0) / rows.length
    }
    const fmt = (x: number) => String(Number(x.toPrecision(4)))
    const f4 = facts.find((f) => f.id === 'F4')!
    expect(f4.measured).toBe(
      `temu cheapest_offer_exposure_share ${fmt(mean('temu', 'cheapest_offer_exposure_share'))} >= 0.8`,
    )
    const f1 = facts.find((f) => f.id === 'F1')!
    for (const a of ['amazon', 'aliexpress', 'temu', 'tiktok'])
      expect(f1.measured).toContain(`${a} ${fmt(mean(a, 'rank_persistence'))}`)
    const f10 = facts.find((f) => f.id === 'F10')!
    const flagged = fmt(mean('amazon', 'flagged_listing_exposure_share', 'priceParity=false'))
    expect(f10.measured).toContain(`amazon(priceParity=false) flagged_listing_exposure_share ${flagged}`)
  })

  it('the facts that hold at small scale hold (mean of 2 seeds)', () => {
    const facts = parse(readFileSync(join(out, 'facts.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    const holding = facts.filter((f) => f.holds === 'yes').map((f) => f.id)
    // Rule facts and structural outcomes hold at any scale; the dynamic ones (F1, F5–F7) need the
    // default scenario's 30 rounds and 2,000 sellers, and F8/F9 are claims about the default scenario.
    for (const id of ['F2', 'F3', 'F4', 'F10', 'F11', 'F12', 'F13', 'F14']) expect(holding).toContain(id)
  })
})
