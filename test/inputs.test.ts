import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import amazon from '../algorithms/amazon.ts'
import temu from '../algorithms/temu.ts'
import { expandRuns, MAX_RUNS } from '../bench/plugins/params.ts'
import { type RegisteredPlugin, selectPlugins } from '../bench/plugins/registry.ts'
import { loadScenario, presetNames } from '../bench/runner/plan/scenario.ts'
import { csvText, readCsv, toCsv } from '../core/csv.ts'
import { InputError } from '../core/errors.ts'
import { ScenarioNameSchema } from '../core/names.ts'
import { importCatalog } from '../datasets/import.ts'
import { CatalogParamsSchema } from '../datasets/params.ts'
import { tempDir } from './helpers/cli.ts'

const FIXTURE = join(import.meta.dirname, 'fixtures/catalog')

describe('scenarios', () => {
  it('the presets parse, black-friday extends default with 3x traffic and more advertisers', () => {
    expect(presetNames()).toEqual(['black-friday', 'default', 'small', 'year'])
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
    const dir = tempDir()
    const file = join(dir, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({ extends: 'small', name: 'bad', market: { rounds: 'many', buyer: { valueScale: -1 } } }),
    )
    expect(() => loadScenario(file)).toThrowError(InputError)
    expect(() => loadScenario(file)).toThrowError(/market\.rounds: Invalid input: expected number, received string/)
    expect(() => loadScenario(file)).toThrowError(/market\.buyer\.valueScale: Too small/)
    writeFileSync(file, JSON.stringify({ name: 'x', catalog: { sellerz: 3 } }))
    expect(() => loadScenario(file)).toThrowError(/catalog: Unrecognized key: "sellerz"/)
    writeFileSync(file, '{ "name": ')
    expect(() => loadScenario(file)).toThrowError(/is not valid JSON/)
    expect(() => loadScenario('nope')).toThrowError(/not a preset \(black-friday, default, small, year\) nor a file/)
  })
  it('a name is a name, not a path nor a formula', () => {
    for (const ok of ['default', 'crowded-2', 'small+black-friday', 'v1.2_x', 'A'])
      expect(ScenarioNameSchema.safeParse(ok).success, ok).toBe(true)
    for (const bad of [
      '',
      '../../x',
      '..',
      'a..b',
      'a/b',
      'a\\b',
      '.hidden',
      '-x',
      '=HYPERLINK("x")',
      'has space',
      'x'.repeat(81),
    ])
      expect(ScenarioNameSchema.safeParse(bad).success, bad).toBe(false)
    const file = join(tempDir(), 'escape.json')
    writeFileSync(file, JSON.stringify({ extends: 'small', name: '../../x' }))
    expect(() => loadScenario(file)).toThrowError(/scenario .* is not valid: name: a name of letters, digits/)
  })
})

describe('CSV cells that a spreadsheet would run (OWASP CSV injection)', () => {
  it('escapes text starting with = + - @ tab CR or the escape itself, never numbers', () => {
    const cases: [string, string][] = [
      ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
      ['+1', "'+1"],
      ['@x', "'@x"],
      ['-x', "'-x"],
      ['\tx', "'\tx"],
      ['\rx', "'\rx"],
      ["'quoted", "''quoted"],
      ['-0.25', '-0.25'],
      ['-5', '-5'],
      ['-1e-7', '-1e-7'],
      ['acme', 'acme'],
      ['', ''],
      ['a=b', 'a=b'],
    ]
    for (const [text, written] of cases) expect(csvText(text), JSON.stringify(text)).toBe(written)
    expect(toCsv(['id', 'x'], [{ id: '=1+2', x: -0.25 }])).toBe("id,x\r\n'=1+2,-0.25\r\n")
  })
  it('reads back through core/csv.ts exactly as written, whatever the text', () => {
    const dir = tempDir()
    const file = join(dir, 'cells.csv')
    const Row = z.object({ id: z.string(), text: z.string() })
    // Leading/trailing spaces are trimmed by the reader on purpose: keep them out of the property.
    const text = fc
      .string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '"', ',', '\n', 'a', '1', '.', 'e') })
      .filter((t) => t.trim() === t)
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (texts) => {
        writeFileSync(
          file,
          toCsv(
            ['id', 'text'],
            texts.map((t, i) => ({ id: `r${i}`, text: t })),
          ),
        )
        expect(readCsv(file, ['id', 'text'], Row).rows.map((r) => r.row.text)).toEqual(texts)
      }),
      { numRuns: 200 },
    )
  })
})

describe('--param and --sweep', () => {
  const plugins = [amazon, temu]
  const paramsOf = (runs: ReturnType<typeof expandRuns>, name: string) => runs.filter((r) => r.plugin.name === name)
  it('fills defaults and coerces values', () => {
    const runs = expandRuns(plugins, ['amazon.priceParity=false', 'temu.markup=1.8', 'amazon.adPositions=[1,3]'])
    expect(runs.map((r) => [r.plugin.name, r.variant])).toEqual([
      ['amazon', ''],
      ['temu', ''],
    ])
    expect(runs[0].params).toMatchObject({ priceParity: false, adPositions: [1, 3], reserveCpc: 0.02 })
    expect(runs[1].params).toMatchObject({ markup: 1.8 })
  })
  it('names the plugin, the key and the expected type', () => {
    expect(() => expandRuns(plugins, ['temu.markup=cheap'])).toThrowError(
      /--param temu\.markup=cheap: temu's parameter markup: Invalid input: expected number, received string/,
    )
    expect(() => expandRuns(plugins, ['amazon.bogus=1'])).toThrowError(
      /amazon has no parameter "bogus"; its parameters: adSlots, adPositions, /,
    )
    expect(() => expandRuns(plugins, ['tiktok.promoteAt=0.1'])).toThrowError(
      /"tiktok" is not among the algorithms of this run \(amazon, temu\)/,
    )
    expect(() => expandRuns(plugins, ['markup=2'])).toThrowError(/expected algorithm\.key=value/)
    expect(() => expandRuns(plugins, ['temu.markup=0.5'])).toThrowError(/temu's parameter markup: Too small/)
  })
  it("expands sweeps into the cartesian product of each plugin's values, one variant each", () => {
    const runs = expandRuns(
      plugins,
      ['amazon.reserveCpc=0.1'],
      ['amazon.priceParity=true,false', 'amazon.adSlots=0,2', 'temu.markup=1.2,1.5'],
    )
    const amazonRuns = paramsOf(runs, 'amazon')
    expect(amazonRuns.map((r) => r.variant)).toEqual([
      'priceParity=true;adSlots=0',
      'priceParity=true;adSlots=2',
      'priceParity=false;adSlots=0',
      'priceParity=false;adSlots=2',
    ])
    expect(amazonRuns.map((r) => [r.params.priceParity, r.params.adSlots, r.params.reserveCpc])).toEqual([
      [true, 0, 0.1],
      [true, 2, 0.1],
      [false, 0, 0.1],
      [false, 2, 0.1],
    ])
    expect(paramsOf(runs, 'temu').map((r) => [r.variant, r.params.markup])).toEqual([
      ['markup=1.2', 1.2],
      ['markup=1.5', 1.5],
    ])
    // A key set by both is refused (the --param would be dropped without a word); array values keep their commas.
    expect(() => expandRuns([amazon], ['amazon.adSlots=4'], ['amazon.adSlots=1'])).toThrowError(
      /--param and --sweep: amazon\.adSlots is set twice \(--param amazon\.adSlots=4 and --sweep amazon\.adSlots=1\)/,
    )
    expect(expandRuns([amazon], [], ['amazon.adPositions=[1,2],[3]']).map((r) => r.variant)).toEqual([
      'adPositions=[1,2]',
      'adPositions=[3]',
    ])
  })
  it('refuses duplicates: a value swept twice, a key swept or set twice, too many variants', () => {
    expect(() => expandRuns(plugins, [], ['amazon.adSlots=2,2'])).toThrowError(
      /--sweep amazon\.adSlots=2,2: the value 2 is listed twice/,
    )
    expect(() => expandRuns(plugins, [], ['amazon.adSlots=2,2.0'])).toThrowError(/listed twice/)
    expect(() => expandRuns(plugins, [], ['amazon.adPositions=[1,2],[1, 2]'])).toThrowError(/listed twice/)
    expect(() => expandRuns(plugins, [], ['amazon.adSlots=1,2', 'amazon.adSlots=3'])).toThrowError(
      /--sweep: amazon\.adSlots is set twice/,
    )
    expect(() => expandRuns(plugins, ['temu.markup=1.2', 'temu.markup=1.5'])).toThrowError(
      /--param: temu\.markup is set twice \(--param temu\.markup=1\.2 and --param temu\.markup=1\.5\)/,
    )
    const many = Array.from({ length: 101 }, (_, i) => String(i)).join(',')
    expect(() => expandRuns([amazon], [], [`amazon.adSlots=${many}`, `amazon.reserveCpc=${many}`])).toThrowError(
      new RegExp(`10201 plugin variants asked for; at most ${MAX_RUNS}`),
    )
  })
  it('--algorithms: each named once, and at least one', () => {
    const registry = new Map<string, RegisteredPlugin>(
      [amazon, temu].map((p) => [p.name, { plugin: p, file: `${p.name}.ts` }]),
    )
    expect(selectPlugins(registry, undefined).map((r) => r.plugin.name)).toEqual(['amazon', 'temu'])
    expect(selectPlugins(registry, ['temu', 'amazon']).map((r) => r.plugin.name)).toEqual(['temu', 'amazon'])
    expect(() => selectPlugins(registry, ['temu', 'temu'])).toThrowError(/"temu" is named twice/)
    expect(() => selectPlugins(registry, [])).toThrowError(/no algorithm named/)
  })
  it('refuses an unknown plugin or parameter, a wrong type and an empty list', () => {
    expect(() => expandRuns(plugins, [], ['ebay.x=1,2'])).toThrowError(
      /--sweep ebay\.x=1,2: "ebay" is not among the algorithms/,
    )
    expect(() => expandRuns(plugins, [], ['temu.markdown=1,2'])).toThrowError(/temu has no parameter "markdown"/)
    expect(() => expandRuns(plugins, [], ['temu.markup=1.2,lots'])).toThrowError(
      new RegExp(
        String.raw`--sweep temu\.markup=1\.2,lots \(value lots\): temu's parameter markup: ` +
          'Invalid input: expected number, received string',
      ),
    )
    expect(() => expandRuns(plugins, [], ['temu.markup='])).toThrowError(
      /expected a comma-separated list of values with none empty/,
    )
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
  it("reads ids the kit escaped back unchanged (one leading ' stripped)", () => {
    const dir = tempDir()
    const ids = ['=HYPERLINK("http://x","y")', '+1', '@x', "'quoted"]
    writeFileSync(
      join(dir, 'sellers.csv'),
      toCsv(
        ['seller_id'],
        ids.map((seller_id) => ({ seller_id })),
      ),
    )
    writeFileSync(
      join(dir, 'products.csv'),
      toCsv(
        ['product_id', 'seller_id', 'category', 'price'],
        ids.map((seller_id, i) => ({ product_id: `-p${i}`, seller_id, category: 'toys', price: 5 })),
      ),
    )
    expect(importCatalog(dir, params, 1).sellers.id).toEqual(ids)
  })
  it('names the file, line and column of a bad cell, and lists the columns of a file missing one', () => {
    const dir = tempDir()
    copyFileSync(join(FIXTURE, 'sellers.csv'), join(dir, 'sellers.csv'))
    writeFileSync(
      join(dir, 'products.csv'),
      'product_id,seller_id,category,price\na1,acme,toys,3\na2,acme,toys,three\n',
    )
    expect(() => importCatalog(dir, params, 1)).toThrowError(
      /products\.csv line 3, column price \(value "three"\): Invalid input: expected number, received string/,
    )
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,price\na1,acme,3\n')
    expect(() => importCatalog(dir, params, 1)).toThrowError(
      /products\.csv: missing column category \(columns found: product_id, seller_id, price\)/,
    )
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\na1,zed,toys,3\n')
    expect(() => importCatalog(dir, params, 1)).toThrowError(
      /products\.csv line 2, column seller_id: seller "zed" is not in \S*sellers\.csv \(first of 1 row naming it\)/,
    )
    writeFileSync(join(dir, 'products.csv'), '')
    expect(() => importCatalog(dir, params, 1)).toThrowError(/products\.csv is empty/)
    const empty = tempDir()
    mkdirSync(empty, { recursive: true })
    expect(() => importCatalog(empty, params, 1)).toThrowError(/no \S*sellers\.csv \(a catalog folder holds/)
  })
})
