import { describe, expect, it } from 'vitest'
import { TOPIC_DIMS } from '../core/catalog.ts'
import { allocateProportionally, generateCatalog } from '../datasets/generate.ts'
import { CatalogParamsSchema } from '../datasets/params.ts'

const params = CatalogParamsSchema.parse({ categories: 12, sellers: 150, products: 2000, buyers: 300 })

describe('catalog generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCatalog(params, 7, 10)
    const b = generateCatalog(params, 7, 10)
    const c = generateCatalog(params, 8, 10)
    expect(b).toEqual(a)
    expect(Array.from(c.products.price)).not.toEqual(Array.from(a.products.price))
  })

  it('has the shape the scenario asks for', () => {
    const m = generateCatalog(params, 1, 10)
    expect(m.sellers.count).toBe(150)
    expect(m.products.count).toBe(2000)
    expect(m.categories.count).toBe(12)
    expect(m.buyers.count).toBe(300)
    expect(m.products.topic.length).toBe(2000 * TOPIC_DIMS)
    // The category index covers every product once, each under its own category.
    expect(m.categories.start[12]).toBe(2000)
    const seen = new Set(m.categories.products)
    expect(seen.size).toBe(2000)
    for (let c = 0; c < 12; c++)
      for (let j = m.categories.start[c]; j < m.categories.start[c + 1]; j++)
        expect(m.products.category[m.categories.products[j]]).toBe(c)
    // Every seller has at least one product.
    const perSeller = new Int32Array(150)
    for (const s of m.products.seller) perSeller[s]++
    expect(Math.min(...perSeller)).toBeGreaterThanOrEqual(1)
  })

  it('models sellers and items as the design describes', () => {
    const m = generateCatalog(
      CatalogParamsSchema.parse({ categories: 20, sellers: 1000, products: 8000, buyers: 100 }),
      3,
      30,
    )
    const { sellers, products } = m
    const entrants = sellers.joinRound.filter((r) => r > 0).length
    expect(entrants / sellers.count).toBeGreaterThan(0.15)
    expect(entrants / sellers.count).toBeLessThan(0.25)
    expect(Math.max(...sellers.joinRound)).toBeLessThan(30)
    // 5% large, 20% medium.
    expect(sellers.sizeTier.filter((t) => t === 2).length).toBe(50)
    expect(sellers.sizeTier.filter((t) => t === 1).length).toBe(200)
    // Identical-product groups hold several sellers' offers of one item in one category, with one quality.
    const offers = new Map<number, number[]>()
    products.group.forEach((g, p) => {
      offers.set(g, [...(offers.get(g) ?? []), p])
    })
    const shared = [...offers.values()].filter((o) => new Set(o.map((p) => products.seller[p])).size > 1)
    expect(shared.length).toBeGreaterThan(100)
    for (const group of shared) {
      expect(new Set(group.map((p) => products.category[p])).size).toBe(1)
      expect(new Set(group.map((p) => products.quality[p])).size).toBe(1)
    }
    // Factories make the same item cheaper than traders.
    const costEfficiency = (a: number) =>
      mean(Array.from(sellers.costEfficiency).filter((_, s) => sellers.archetype[s] === a))
    expect(costEfficiency(0)).toBeLessThan(costEfficiency(1))
    // Incumbents have history and are listed; entrants have neither.
    for (let p = 0; p < products.count; p++) {
      const incumbent = sellers.joinRound[products.seller[p]] === 0
      expect(products.listed[p]).toBe(incumbent ? 1 : 0)
      if (!incumbent) expect(products.sales[p] + products.reviews[p] + products.salesVelocity[p]).toBe(0)
    }
    // Cross-border sellers deliver slower than local ones.
    const days = (origin: number) =>
      mean(Array.from(sellers.deliveryDays).filter((_, s) => sellers.origin[s] === origin))
    expect(days(0)).toBeGreaterThan(days(1) + 4)
  })

  it('allocates a total proportionally, at least one each', () => {
    // One each, then the other 7 as 0.7, 0.7, 5.6 → floors 0, 0, 5 and the 2 left to the largest remainders.
    const parts = allocateProportionally(Float64Array.from([1, 1, 8]), 10)
    expect(Array.from(parts)).toEqual([2, 2, 6])
    const many = allocateProportionally(Float64Array.from([3, 1, 1, 1]), 7)
    expect(many.reduce((a, b) => a + b, 0)).toBe(7)
    expect(Math.min(...many)).toBe(1)
  })
})

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length
}
