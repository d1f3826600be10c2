import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { averageRating, RATING_PRIOR } from '../core/catalog.ts'
import { importCatalog } from '../datasets/import.ts'
import { readCsvRows } from './helpers/cli.ts'

const FIXTURE = join(import.meta.dirname, 'fixtures/real-shaped')

describe('a real-shaped catalog: rupee prices, blank ratings with counts, no weights, no ads, tiny categories', () => {
  it('has the shapes of a real export', () => {
    const products = readCsvRows(join(FIXTURE, 'products.csv'))
    const sellers = readCsvRows(join(FIXTURE, 'sellers.csv'))
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

  it('keeps a blank rating with reviews unknown: read as the prior, never as zero stars', () => {
    const catalog = importCatalog(FIXTURE, loadScenario('small').catalog, 1)
    const products = readCsvRows(join(FIXTURE, 'products.csv'))
    const sellers = readCsvRows(join(FIXTURE, 'sellers.csv'))
    const joins = new Map(sellers.map((s) => [s.seller_id, Number(s.join_round)]))
    const blank = products.findIndex((p) => p.rating === '' && Number(p.reviews) > 0 && joins.get(p.seller_id) === 0)
    const p = catalog.products
    expect(p.unratedReviews[blank]).toBe(Number(products[blank].reviews))
    expect(averageRating(p.reviews[blank], p.ratingSum[blank])).toBeCloseTo(RATING_PRIOR, 6)
    expect(Number.isNaN(p.weightLb[blank])).toBe(true)
    expect(catalog.imported!.defaulted).toContainEqual(
      expect.objectContaining({ column: 'rating', used: expect.stringContaining('unknown') }),
    )
    // The fixture's catalog.json scales rupees into dollars, so the price warning does not fire.
    expect(catalog.imported!.warnings).toHaveLength(0)
    expect(catalog.name).toBe('real-shaped')
  })

  it('a store that joins late starts without reviews or sales, whatever the export says', () => {
    const catalog = importCatalog(FIXTURE, loadScenario('small').catalog, 1)
    const products = readCsvRows(join(FIXTURE, 'products.csv'))
    const late = new Set(
      readCsvRows(join(FIXTURE, 'sellers.csv'))
        .filter((s) => Number(s.join_round) > 0)
        .map((s) => s.seller_id),
    )
    const reviewed = products.flatMap((row, i) => (late.has(row.seller_id) && Number(row.reviews) > 0 ? [i] : []))
    expect(reviewed.length).toBeGreaterThan(0)
    const p = catalog.products
    for (const i of reviewed)
      expect([p.reviews[i], p.ratingSum[i], p.sales[i], p.salesVelocity[i]]).toEqual([0, 0, 0, 0])
    // Their rating still sets their quality: (rating − 1) / 4.
    const rated = reviewed.find((i) => products[i].rating !== '')!
    expect(p.quality[rated]).toBeCloseTo((Number(products[rated].rating) - 1) / 4, 6)
  })
})
