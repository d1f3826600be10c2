import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import amazon from '../algorithms/amazon.ts'
import temu from '../algorithms/temu.ts'
import { InputError } from '../datasets/errors.ts'
import { importCatalog } from '../datasets/import.ts'
import { CatalogParamsSchema } from '../datasets/params.ts'
import { expandRuns } from '../bench/runner/params.ts'
import { loadScenario, presetNames } from '../bench/runner/scenario.ts'

const FIXTURE = join(import.meta.dirname, 'fixtures/catalog')
const tmp = () => mkdtempSync(join(tmpdir(), 'trafficbench-'))

describe('scenarios', () => {
  it('the presets parse, black-friday extends default with 3x traffic and more advertisers', () => {
    expect(presetNames()).toEqual(['black-friday', 'default', 'small'])
    const base = loadScenario('default')
    const peak = loadScenario('black-friday')
    expect(base.catalog.sellers).toBe(2000)
    expect(base.catalog.products).toBe(50000)
    expect(base.market.rounds).toBe(30)
    expect(peak.catalog.products).toBe(50000)
    expect(peak.market.sessionsPerRound).toBe(3 * base.market.sessionsPerRound)
    expect(peak.catalog.advertiserShare.trader).toBeGreaterThan(base.catalog.advertiserShare.trader)
  })
  it('a wrong field names its path and the expected type', () => {
    const dir = tmp()
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ extends: 'small', name: 'bad', market: { rounds: 'many', buyer: { valueScale: -1 } } }))
    expect(() => loadScenario(file)).toThrowError(InputError)
    expect(() => loadScenario(file)).toThrowError(/market\.rounds: Invalid input: expected number, received string/)
    expect(() => loadScenario(file)).toThrowError(/market\.buyer\.valueScale: Too small/)
    writeFileSync(file, JSON.stringify({ name: 'x', catalog: { sellerz: 3 } }))
    expect(() => loadScenario(file)).toThrowError(/catalog: Unrecognized key: "sellerz"/)
    writeFileSync(file, '{ "name": ')
    expect(() => loadScenario(file)).toThrowError(/is not valid JSON/)
    expect(() => loadScenario('nope')).toThrowError(/not a preset \(black-friday, default, small\) nor a file/)
  })
})

describe('--param and --sweep', () => {
  const plugins = [amazon, temu]
  const paramsOf = (runs: ReturnType<typeof expandRuns>, name: string) => runs.filter((r) => r.plugin.name === name)
  it('fills defaults and coerces values', () => {
    const runs = expandRuns(plugins, ['amazon.priceParity=false', 'temu.markup=1.8', 'amazon.adPositions=[1,3]'])
    expect(runs.map((r) => [r.plugin.name, r.variant])).toEqual([['amazon', ''], ['temu', '']])
    expect(runs[0].params).toMatchObject({ priceParity: false, adPositions: [1, 3], reserveCpc: 0.02 })
    expect(runs[1].params).toMatchObject({ markup: 1.8 })
  })
  it('names the plugin, the key and the expected type', () => {
    expect(() => expandRuns(plugins, ['temu.markup=cheap'])).toThrowError(/--param temu\.markup=cheap: temu's parameter markup: Invalid input: expected number, received string/)
    expect(() => expandRuns(plugins, ['amazon.bogus=1'])).toThrowError(/amazon has no parameter "bogus"; its parameters: adSlots, adPositions, /)
    expect(() => expandRuns(plugins, ['tiktok.promoteAt=0.1'])).toThrowError(/"tiktok" is not among the algorithms of this run \(amazon, temu\)/)
    expect(() => expandRuns(plugins, ['markup=2'])).toThrowError(/expected algorithm\.key=value/)
    expect(() => expandRuns(plugins, ['temu.markup=0.5'])).toThrowError(/temu's parameter markup: Too small/)
  })
  it('expands sweeps into the cartesian product of each plugin\'s values, one variant each', () => {
    const runs = expandRuns(plugins, ['amazon.reserveCpc=0.1'], ['amazon.priceParity=true,false', 'amazon.adSlots=0,2', 'temu.markup=1.2,1.5'])
    const amazonRuns = paramsOf(runs, 'amazon')
    expect(amazonRuns.map((r) => r.variant)).toEqual(['priceParity=true;adSlots=0', 'priceParity=true;adSlots=2', 'priceParity=false;adSlots=0', 'priceParity=false;adSlots=2'])
    expect(amazonRuns.map((r) => [r.params.priceParity, r.params.adSlots, r.params.reserveCpc])).toEqual([
      [true, 0, 0.1],
      [true, 2, 0.1],
      [false, 0, 0.1],
      [false, 2, 0.1],
    ])
    expect(paramsOf(runs, 'temu').map((r) => [r.variant, r.params.markup])).toEqual([['markup=1.2', 1.2], ['markup=1.5', 1.5]])
    // A sweep value wins over a --param of the same key; array values keep their commas.
    expect(expandRuns([amazon], ['amazon.adSlots=4'], ['amazon.adSlots=1']).map((r) => r.params.adSlots)).toEqual([1])
    expect(expandRuns([amazon], [], ['amazon.adPositions=[1,2],[3]']).map((r) => r.variant)).toEqual(['adPositions=[1,2]', 'adPositions=[3]'])
  })
  it('refuses an unknown plugin or parameter, a wrong type and an empty list', () => {
    expect(() => expandRuns(plugins, [], ['ebay.x=1,2'])).toThrowError(/--sweep ebay\.x=1,2: "ebay" is not among the algorithms/)
    expect(() => expandRuns(plugins, [], ['temu.markdown=1,2'])).toThrowError(/temu has no parameter "markdown"/)
    expect(() => expandRuns(plugins, [], ['temu.markup=1.2,lots'])).toThrowError(/--sweep temu\.markup=1\.2,lots \(value lots\): temu's parameter markup: Invalid input: expected number, received string/)
    expect(() => expandRuns(plugins, [], ['temu.markup='])).toThrowError(/expected a comma-separated list of values with none empty/)
    expect(() => expandRuns(plugins, [], ['temu.markup=1.2,,1.5'])).toThrowError(/none empty/)
  })
})

describe('catalog import', () => {
  const params = CatalogParamsSchema.parse({ buyers: 50 })
  it('reads sellers.csv and products.csv, with defaults for absent columns and ignoring unknown ones', () => {
    const m = importCatalog(FIXTURE, params, 1)
    expect(m.sellers.id).toEqual(['acme', 'bolt', 'cedar'])
    expect(m.products.count).toBe(5)
    expect(m.categories.name).toEqual(['clothing-shirts', 'kitchen-tools'])
    // Same group name in one category → one identical-product group.
    expect(m.products.group[0]).toBe(m.products.group[1])
    expect(m.groupCount).toBe(4)
    expect(m.sellers.adBudget[1]).toBe(0)
    expect(m.sellers.active[2]).toBe(0)
    expect(m.products.quality[0]).toBeCloseTo((4.2 - 1) / 4, 6) // a Float32 column
    expect(m.products.quality[4]).toBe(0.5)
    expect(m.products.unitCost[4]).toBe(13.5 / 2)
    expect(m.categories.department[0]).toBe(0) // clothing, from the category name
    expect(importCatalog(FIXTURE, params, 1)).toEqual(m)
  })
  it('names the file, line and column of a bad cell, and lists the columns of a file missing one', () => {
    const dir = tmp()
    copyFileSync(join(FIXTURE, 'sellers.csv'), join(dir, 'sellers.csv'))
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\na1,acme,toys,3\na2,acme,toys,three\n')
    expect(() => importCatalog(dir, params, 1)).toThrowError(/products\.csv line 3, column price \(value "three"\): Invalid input: expected number, received string/)
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,price\na1,acme,3\n')
    expect(() => importCatalog(dir, params, 1)).toThrowError(/products\.csv: missing column category \(columns found: product_id, seller_id, price\)/)
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\na1,zed,toys,3\n')
    expect(() => importCatalog(dir, params, 1)).toThrowError(/products\.csv line 2, column seller_id: seller "zed" is not in sellers\.csv/)
    writeFileSync(join(dir, 'products.csv'), '')
    expect(() => importCatalog(dir, params, 1)).toThrowError(/products\.csv is empty/)
    const empty = tmp()
    mkdirSync(empty, { recursive: true })
    expect(() => importCatalog(empty, params, 1)).toThrowError(/no sellers\.csv there/)
  })
})
