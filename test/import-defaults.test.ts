import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import haul from '../algorithms/amazon-haul.ts'
import { amazonFulfilmentFee } from '../algorithms/kit/fees.ts'
import { rankOnce, searchSession } from '../bench/check/session.ts'
import { importCatalog } from '../datasets/import.ts'
import { CatalogParamsSchema } from '../datasets/params.ts'
import { tinyMarket } from '../datasets/tiny.ts'

const params = CatalogParamsSchema.parse({ buyers: 10 })
function catalogDir(sellers: string, products: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'trafficbench-import-')), 'shop')
  mkdirSync(dir)
  writeFileSync(join(dir, 'sellers.csv'), sellers)
  writeFileSync(join(dir, 'products.csv'), products)
  return dir
}

describe('importer defaults that do not decide the result', () => {
  it('names the file with its folder and the first occurrence of a duplicate', () => {
    const dir = catalogDir('seller_id\na\nb\na\n', 'product_id,seller_id,category,price\np1,a,x,10\n')
    expect(() => importCatalog(dir, params, 1)).toThrow(
      `${join(dir, 'sellers.csv')} line 4, column seller_id: seller "a" appears twice (first on line 2)`,
    )
    const dup = catalogDir('seller_id\na\n', 'product_id,seller_id,category,price\np1,a,x,10\np2,a,x,10\np1,a,x,12\n')
    expect(() => importCatalog(dup, params, 1)).toThrow(
      /products\.csv line 4, column product_id: product "p1" appears twice \(first on line 2\)/,
    )
    const unknown = catalogDir('seller_id\na\n', 'product_id,seller_id,category,price\np1,zz,x,10\np2,zz,x,10\n')
    expect(() => importCatalog(unknown, params, 1)).toThrow(
      `${join(unknown, 'products.csv')} line 2, column seller_id: seller "zz" is not in ` +
        `${join(unknown, 'sellers.csv')} (first of 2 rows naming it)`,
    )
  })

  it('scales money by catalog.json priceScale and takes its name; the folder name otherwise', () => {
    const dir = catalogDir(
      'seller_id,ad_budget\na,1000\n',
      'product_id,seller_id,category,price,unit_cost\np1,a,x,1000,400\np2,a,x,2000,\n',
    )
    expect(importCatalog(dir, params, 1).name).toBe('shop')
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ name: 'rupee-shop', priceScale: 0.01 }))
    const c = importCatalog(dir, params, 1)
    expect(c.name).toBe('rupee-shop')
    expect(Array.from(c.products.price)).toEqual([10, 20])
    expect(Array.from(c.products.unitCost)).toEqual([4, 10])
    expect(c.sellers.adBudget[0]).toBe(10)
    expect(c.imported!.defaulted).toContainEqual({
      file: join(dir, 'products.csv'),
      column: 'unit_cost',
      rows: 1,
      used: 'half the price',
    })
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ priceScale: -1 }))
    expect(() => importCatalog(dir, params, 1)).toThrow(/catalog\.json is not valid: priceScale/)
  })

  it('values each product on its group or price band, not one price per category', () => {
    // Category x: a $5 item, two offers of one $40 item, a $400 item.
    const dir = catalogDir(
      'seller_id\na\nb\n',
      'product_id,seller_id,category,price,group\nc,a,x,5,\nt1,a,x,40,g\nt2,b,x,44,g\ntv,b,x,400,\n',
    )
    const { products } = importCatalog(dir, params, 1)
    expect(Array.from(products.refPrice)).toEqual([5, 42, 42, 400])
  })
})

describe('unknown weight', () => {
  it('amazon-haul judges an item of unknown weight on price alone by default, and can exclude it', () => {
    const market = tinyMarket(
      [{}],
      [
        { seller: 0, price: 8, weightLb: NaN },
        { seller: 0, price: 8, weightLb: 2 },
        { seller: 0, price: 30, weightLb: NaN },
      ],
    )
    const session = searchSession([0, 1, 2], [0.9, 0.9, 0.9])
    expect(rankOnce(haul, market, session).products).toEqual([0])
    expect(rankOnce(haul, market, session, { unknownWeight: 'excluded' }).products).toEqual([])
  })

  it('Amazon charges an item of unknown weight the base fee, as half a pound', () => {
    expect(amazonFulfilmentFee(NaN)).toBeCloseTo(amazonFulfilmentFee(0.5), 9)
    expect(amazonFulfilmentFee(NaN)).toBeLessThan(amazonFulfilmentFee(1.5))
  })
})
