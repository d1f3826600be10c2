import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BUILT_INS } from './helpers/builtins.ts'
import { bench, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

const FIXTURE = join(ROOT, 'test/fixtures/real-shaped')
const work = tempDir('trafficbench-real-')
const SHORT = ['--scenario', 'small', '--rounds', '6', '--sessions', '300', '--bench-time', '0', '--quiet']

describe('a real-shaped catalog: rupee prices, blank ratings with counts, no weights, no ads, tiny categories', () => {
  // The fixture as exported (rupees, no price scale), and as the fixture holds it: with the scale the warning asks for.
  const rupeesDir = join(work, 'in-rupees')
  const asExported = join(work, 'as-exported')
  const facts = join(work, 'facts')
  let dollars: ReturnType<typeof bench>
  let rupees: ReturnType<typeof bench>
  let factsRun: ReturnType<typeof bench>
  beforeAll(() => {
    cpSync(FIXTURE, rupeesDir, { recursive: true })
    writeFileSync(join(rupeesDir, 'catalog.json'), JSON.stringify({ name: 'real-shaped-inr' }))
    rupees = bench([
      'run',
      '--catalog',
      rupeesDir,
      ...SHORT,
      '--algorithms',
      'relevance,amazon-haul',
      '--out',
      asExported,
    ])
    dollars = bench(['run', '--catalog', FIXTURE, ...SHORT, '--out', join(work, 'dollars')])
    factsRun = bench([
      'facts',
      '--catalog',
      FIXTURE,
      '--scenario',
      'small',
      '--bench-time',
      '0',
      '--quiet',
      '--out',
      facts,
    ])
  })

  it('warns once, naming the price column, when prices are far from dollars; not once they are scaled', () => {
    expect(rupees.code).toBe(0)
    const warnings = rupees.stderr.split('\n').filter((l) => l.startsWith('warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('products.csv column price')
    expect(warnings[0]).toMatch(/"priceScale" in catalog.json/)
    expect(dollars.stderr).not.toMatch(/warning/)
  })

  it('runs every built-in; amazon-haul shows items although no weight is known', () => {
    expect(dollars.code).toBe(0)
    const summary = readCsvRows(join(work, 'dollars', 'summary.csv'))
    expect(summary.map((r) => r.algorithm).sort()).toEqual(BUILT_INS)
    const haul = summary.find((r) => r.algorithm === 'amazon-haul')!
    const sellers = readCsvRows(join(work, 'dollars', 'sellers.csv')).filter((r) => r.algorithm === 'amazon-haul')
    expect(sellers.reduce((t, r) => t + Number(r.impressions), 0)).toBeGreaterThan(0)
    expect(Number(haul.outside_haul_box_impression_share)).toBe(0)
    // No ads in the catalog: no sponsored click anywhere, so the mean CPC is empty, not 0.
    for (const r of summary) expect(r.avg_cpc).toBe('')
    // Factories and brands do not exist here: their survival is empty, not 0.
    for (const r of summary) expect([r.factory_survival_rate, r.brand_survival_rate]).toEqual(['', ''])
    // Most categories are too small to judge rank persistence; they are counted, not averaged in.
    expect(Number(summary[0].rank_persistence_excluded_categories)).toBeGreaterThan(30)
  })

  it('bench facts --catalog runs and marks the facts without inputs not applicable', () => {
    expect(factsRun.code).toBe(0)
    const rows = readCsvRows(join(facts, 'facts.csv'))
    const holds = Object.fromEntries(rows.map((r) => [r.id, r.holds]))
    for (const id of ['F1', 'F2', 'F3', 'F4', 'F5', 'F8', 'F10', 'F12']) expect(holds[id], id).toBe('n/a')
    expect(rows.find((r) => r.id === 'F2')!.measured).toMatch(/not applicable: .*no ad budgets/)
    // 12 rounds are too few for F1, and without ads or identical offers its rivals have nothing that moves their top.
    expect(rows.find((r) => r.id === 'F1')!.measured).toMatch(
      /needs at least 20 rounds .*; real-shaped has 12; it needs ad budgets and identical offers/,
    )
    // Every fact that applies holds: the late brands start without reviews or sales, so amazon gives them least.
    for (const id of ['F6', 'F7', 'F11', 'F13', 'F14', 'M1']) expect(holds[id], id).toBe('yes')
    expect(new Set(rows.map((r) => r.scenario))).toEqual(new Set(['real-shaped']))
    expect(factsRun.stderr).toMatch(/6 of 6 facts hold on real-shaped \(1 seed\); 8 not applicable/)
  })
})
