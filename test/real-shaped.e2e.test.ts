import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { averageRating, RATING_PRIOR } from '../core/catalog.ts'
import { importCatalog } from '../datasets/import.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/bench.js')
const FIXTURE = join(ROOT, 'test/fixtures/real-shaped')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-real-'))

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const readCsv = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true })
const ALGORITHMS = [
  'aliexpress',
  'amazon',
  'amazon-haul',
  'fair-exposure',
  'oracle',
  'random',
  'relevance',
  'temu',
  'thompson',
  'tiktok',
]
const SHORT = ['--scenario', 'small', '--rounds', '6', '--sessions', '300', '--bench-time', '0', '--quiet']

describe('a real-shaped catalog: rupee prices, blank ratings with counts, no weights, no ads, tiny categories', () => {
  // The fixture as exported (rupees), and the same with the price scale the warning asks for.
  const inDollars = join(work, 'in-dollars')
  const asExported = join(work, 'as-exported')
  const facts = join(work, 'facts')
  let dollars: ReturnType<typeof bench>
  let rupees: ReturnType<typeof bench>
  let factsRun: ReturnType<typeof bench>
  beforeAll(() => {
    cpSync(FIXTURE, inDollars, { recursive: true })
    writeFileSync(join(inDollars, 'catalog.json'), JSON.stringify({ name: 'real-shaped-usd', priceScale: 0.012 }))
    rupees = bench('run', '--catalog', FIXTURE, ...SHORT, '--algorithms', 'relevance,amazon-haul', '--out', asExported)
    dollars = bench('run', '--catalog', inDollars, ...SHORT, '--out', join(work, 'dollars'))
    factsRun = bench(
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
    )
  })

  it('has the shapes of a real export', () => {
    const products = readCsv(join(FIXTURE, 'products.csv'))
    const sellers = readCsv(join(FIXTURE, 'sellers.csv'))
    expect(products.length).toBeGreaterThanOrEqual(200)
    expect(products.length).toBeLessThanOrEqual(400)
    const sizes = new Map<string, number>()
    for (const p of products) sizes.set(p.category, (sizes.get(p.category) ?? 0) + 1)
    expect([...sizes.values()].filter((n) => n <= 10).length).toBeGreaterThan(sizes.size / 2)
    expect(products.some((p) => p.rating === '' && Number(p.reviews) > 0)).toBe(true)
    for (const absent of ['weight_lb', 'ad_budget', 'price_elsewhere', 'archetype'])
      expect(Object.keys(products[0]).concat(Object.keys(sellers[0]))).not.toContain(absent)
    expect(sellers.some((s) => Number(s.join_round) > 0)).toBe(true)
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
    const summary = readCsv(join(work, 'dollars', 'summary.csv'))
    expect(summary.map((r) => r.algorithm).sort()).toEqual(ALGORITHMS)
    const haul = summary.find((r) => r.algorithm === 'amazon-haul')!
    const sellers = readCsv(join(work, 'dollars', 'sellers.csv')).filter((r) => r.algorithm === 'amazon-haul')
    expect(sellers.reduce((t, r) => t + Number(r.impressions), 0)).toBeGreaterThan(0)
    expect(Number(haul.outside_haul_box_impression_share)).toBe(0)
    // No ads in the catalog: no sponsored click anywhere, so the mean CPC is empty, not 0.
    for (const r of summary) expect(r.avg_cpc).toBe('')
    // Factories and brands do not exist here: their survival is empty, not 0.
    for (const r of summary) expect([r.factory_survival_rate, r.brand_survival_rate]).toEqual(['', ''])
    // Most categories are too small to judge rank persistence; they are counted, not averaged in.
    expect(Number(summary[0].rank_persistence_excluded_categories)).toBeGreaterThan(30)
  })

  it('keeps a blank rating with reviews unknown: read as the prior, never as zero stars', () => {
    const catalog = importCatalog(FIXTURE, loadScenario('small').catalog, 1)
    const products = readCsv(join(FIXTURE, 'products.csv'))
    const blank = products.findIndex((p) => p.rating === '' && Number(p.reviews) > 0)
    const p = catalog.products
    expect(p.unratedReviews[blank]).toBe(Number(products[blank].reviews))
    expect(averageRating(p.reviews[blank], p.ratingSum[blank])).toBeCloseTo(RATING_PRIOR, 6)
    expect(Number.isNaN(p.weightLb[blank])).toBe(true)
    expect(catalog.imported!.defaulted).toContainEqual(
      expect.objectContaining({ column: 'rating', used: expect.stringContaining('unknown') }),
    )
    expect(catalog.imported!.warnings).toHaveLength(1)
    expect(catalog.name).toBe('real-shaped')
  })

  it('bench facts --catalog runs and marks the facts without inputs not applicable', () => {
    expect(factsRun.code).toBe(0)
    const rows = readCsv(join(facts, 'facts.csv'))
    const holds = Object.fromEntries(rows.map((r) => [r.id, r.holds]))
    for (const id of ['F2', 'F3', 'F4', 'F5', 'F8', 'F10', 'F12']) expect(holds[id], id).toBe('n/a')
    expect(rows.find((r) => r.id === 'F2')!.measured).toMatch(/not applicable: .*no ad budgets/)
    for (const id of ['F13', 'F14']) expect(holds[id], id).toBe('yes')
    expect(new Set(rows.map((r) => r.scenario))).toEqual(new Set(['real-shaped']))
    expect(factsRun.stderr).toMatch(/7 not applicable/)
  })
})
