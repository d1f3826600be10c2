import { spawn, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import amazon from '../algorithms/amazon.ts'
import temu from '../algorithms/temu.ts'
import { expandRuns, MAX_RUNS } from '../bench/plugins/params.ts'
import { type RegisteredPlugin, selectPlugins } from '../bench/plugins/registry.ts'
import { claimResultsFolder, describeErrno, isResultsFolder, OutputError } from '../bench/runner/folder/out-dir.ts'
import {
  bytes,
  COSTS,
  checkPlan,
  csvRowCount,
  duration,
  estimatePlan,
  LONG_RUN_SECONDS,
  type PlanSize,
  planSize,
} from '../bench/runner/plan/estimate.ts'
import { loadScenario, presetNames } from '../bench/runner/plan/scenario.ts'
import { csvText, readCsv, toCsv } from '../core/csv.ts'
import { InputError } from '../core/errors.ts'
import { ScenarioNameSchema } from '../core/names.ts'
import { importCatalog } from '../datasets/import.ts'
import { CatalogParamsSchema } from '../datasets/params.ts'

const FIXTURE = join(import.meta.dirname, 'fixtures/catalog')
const tmp = () => mkdtempSync(join(tmpdir(), 'trafficbench-'))

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
    const dir = tmp()
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
    const file = join(tmp(), 'escape.json')
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
    const dir = tmp()
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
    // A sweep value wins over a --param of the same key; array values keep their commas.
    expect(expandRuns([amazon], ['amazon.adSlots=4'], ['amazon.adSlots=1']).map((r) => r.params.adSlots)).toEqual([1])
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
    const dir = tmp()
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
    const dir = tmp()
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
    const empty = tmp()
    mkdirSync(empty, { recursive: true })
    expect(() => importCatalog(empty, params, 1)).toThrowError(/no \S*sellers\.csv \(a catalog folder holds/)
  })
})

describe('run size estimate (bench/runner/plan/estimate.ts)', () => {
  const plan = (over: Partial<PlanSize> = {}): PlanSize => {
    const { catalog, market } = loadScenario('default')
    const base = {
      ...catalog,
      rounds: market.rounds,
      sessionsPerRound: market.sessionsPerRound,
      runs: 8,
      seeds: 1,
      benchTimeMs: 300,
    }
    return { ...base, ...over }
  }
  const limits = { totalBytes: 8e9, availableBytes: 4e9, heapBytes: 4e9 }
  it('puts the default job where it was measured (about 40-53 s and 250 MB peak on the reference machine)', () => {
    const e = estimatePlan([plan()])
    expect(e.seconds).toBeGreaterThan(30)
    expect(e.seconds).toBeLessThan(70)
    expect(e.peakBytes).toBeGreaterThan(180e6)
    expect(e.peakBytes).toBeLessThan(350e6)
    // Files of the default run: 1.6 MB measured.
    expect(e.outputBytes).toBeGreaterThan(1e6)
    expect(e.outputBytes).toBeLessThan(3e6)
    expect(checkPlan(e, limits)).toBeNull()
  })
  it('grows with every size of the plan', () => {
    const base = estimatePlan([plan()])
    for (const over of [
      { seeds: 2 },
      { runs: 9 },
      { products: 60000 },
      { sellers: 3000 },
      { rounds: 40 },
      { sessionsPerRound: 6000 },
    ]) {
      const e = estimatePlan([plan(over)])
      expect(e.seconds, JSON.stringify(over)).toBeGreaterThan(base.seconds)
      expect(e.peakBytes + e.outputBytes, JSON.stringify(over)).toBeGreaterThanOrEqual(
        base.peakBytes + base.outputBytes,
      )
    }
    // Two scenarios one after the other: times add up, the catalogs are not alive together.
    const two = estimatePlan([plan(), plan()])
    expect(two.seconds).toBeCloseTo(2 * base.seconds - COSTS.startupSeconds, 6)
    expect(two.peakBytes).toBeCloseTo(base.peakBytes + base.heapBytes, 0)
  })
  it('refuses what cannot fit, names the estimate and the limit, and announces long runs', () => {
    expect(() => checkPlan(estimatePlan([plan({ seeds: 1e9 })]), limits)).toThrowError(
      /this run is too large: estimated \d.* of memory and [\d,]+ years, but the machine has 8\.0 GB/,
    )
    expect(() => checkPlan(estimatePlan([plan({ products: 3e7 })]), { ...limits, totalBytes: 6e9 })).toThrowError(
      /estimated 9\.\d GB of memory .* but the machine has 6\.0 GB/,
    )
    expect(() => checkPlan({ peakBytes: 5e9, heapBytes: 4.5e9, seconds: 10, outputBytes: 0 }, limits)).toThrowError(
      /result rows need an estimated 4\.5 GB, beyond Node's heap limit of 4\.0 GB/,
    )
    expect(checkPlan(estimatePlan([plan({ sessionsPerRound: 1e9 })]), limits)).toMatch(
      /^bench: estimated .* of memory and \d+ days$/,
    )
    expect(checkPlan({ peakBytes: 5e9, heapBytes: 1e9, seconds: 10, outputBytes: 0 }, limits)).toBe(
      'bench: estimated 5.0 GB of memory and 10 s; only 4.0 GB is free now',
    )
    expect(checkPlan({ peakBytes: 1e8, heapBytes: 1e7, seconds: LONG_RUN_SECONDS + 1, outputBytes: 0 }, limits)).toBe(
      'bench: estimated 100 MB of memory and 2 min',
    )
  })
  it('formats sizes and durations, and counts an imported catalog by its rows', () => {
    expect([0, 999, 1500, 2.5e6, 7.37e9, 4.3e17].map(bytes)).toEqual([
      '0 B',
      '999 B',
      '1.5 kB',
      '2.5 MB',
      '7.4 GB',
      '430 PB',
    ])
    expect([0.2, 42, 150, 7200, 3 * 86400, 1e10].map(duration)).toEqual([
      '1 s',
      '42 s',
      '3 min',
      '2.0 h',
      '3 days',
      '317 years',
    ])
    const dir = tmp()
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\na,s,c,1\nb,s,c,2')
    writeFileSync(join(dir, 'sellers.csv'), 'seller_id\ns\n')
    expect(csvRowCount(join(dir, 'products.csv'))).toBe(2)
    expect(planSize(loadScenario('small'), { runs: 1, seeds: 1, benchTimeMs: 0, catalogDir: dir })).toMatchObject({
      products: 2,
      sellers: 1,
      buyers: loadScenario('small').catalog.buyers,
    })
  })
})

describe('--out (bench/runner/folder/out-dir.ts)', () => {
  const manifest = JSON.stringify({
    command: 'bench run',
    versions: { trafficbench: '0.1.0' },
    timing: { startedAt: '2026-01-01T00:00:00.000Z' },
  })
  /** A scratch folder holding one earlier results folder, `res`. */
  const scratch = () => {
    const dir = tmp()
    mkdirSync(join(dir, 'res'))
    writeFileSync(join(dir, 'res', 'manifest.json'), manifest)
    writeFileSync(join(dir, 'res', 'summary.csv'), 'old\n')
    return dir
  }
  const files = { 'manifest.json': manifest, 'summary.csv': 'new\n' }
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

  it('replaces only its own results folder, whole, and leaves no lock behind', () => {
    const dir = scratch()
    expect(isResultsFolder(join(dir, 'res'))).toBe(true)
    const out = claimResultsFolder(join(dir, 'res'), 1000)
    expect(existsSync(join(dir, 'res.lock'))).toBe(true)
    out.write(files)
    expect(readdirSync(dir)).toEqual(['res'])
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('new\n')
    // A new path and an empty folder are fine too.
    mkdirSync(join(dir, 'empty'))
    for (const path of [join(dir, 'empty'), join(dir, 'new', 'deeper')]) claimResultsFolder(path, 0).write(files)
    expect(isResultsFolder(join(dir, 'new', 'deeper'))).toBe(true)
  })
  it('refuses a file, a link, other files, a manifest not written by bench', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'notes.txt'), 'keep')
    symlinkSync(join(dir, 'res'), join(dir, 'link'))
    mkdirSync(join(dir, 'foreign'))
    writeFileSync(join(dir, 'foreign', 'manifest.json'), '{"name": "someone else"}')
    writeFileSync(join(dir, 'res', 'my-notes.md'), 'keep')
    const refused: [string, RegExp][] = [
      [join(dir, 'notes.txt'), /is a file, not a results folder/],
      [join(dir, 'link'), /is a symbolic link/],
      [join(dir, 'foreign'), /is a folder with no manifest\.json written by bench/],
      [join(dir, 'res'), /is a folder with other files \(my-notes\.md\)/],
      ['', /an empty path/],
      [' ', /an empty path/],
      ['/', /the root of the file system/],
    ]
    for (const [path, message] of refused) expect(() => claimResultsFolder(path, 0), path).toThrowError(message)
    expect(readdirSync(dir).sort()).toEqual(['foreign', 'link', 'notes.txt', 'res'])
    expect(readdirSync(join(dir, 'res')).sort()).toEqual(['manifest.json', 'my-notes.md', 'summary.csv'])
  })
  it('a live run holds the folder; a dead run’s lock is taken over; a foreign .lock file is left alone', () => {
    const dir = scratch()
    const other = spawn('sleep', ['30'])
    try {
      writeFileSync(join(dir, 'res.lock'), JSON.stringify({ pid: other.pid, startedAt: 'then' }))
      expect(() => claimResultsFolder(join(dir, 'res'), 0)).toThrowError(
        new RegExp(`another run \\(pid ${other.pid}, since then\\) is writing this folder`),
      )
    } finally {
      other.kill()
    }
    writeFileSync(join(dir, 'res.lock'), JSON.stringify({ pid: deadPid(), startedAt: 'then' }))
    const out = claimResultsFolder(join(dir, 'res'), 0)
    expect(JSON.parse(readFileSync(join(dir, 'res.lock'), 'utf8')).pid).toBe(process.pid)
    out.release()
    expect(existsSync(join(dir, 'res.lock'))).toBe(false)
    writeFileSync(join(dir, 'res.lock'), 'my own file')
    expect(() => claimResultsFolder(join(dir, 'res'), 0)).toThrowError(
      /res\.lock exists and is not a trafficbench lock/,
    )
    expect(readFileSync(join(dir, 'res.lock'), 'utf8')).toBe('my own file')
  })
  it('clears what killed runs left: partial folders removed, a replaced folder put back, anything else kept', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'res.partial-123'))
    writeFileSync(join(dir, 'res.partial-123', 'rounds.csv'), 'half')
    mkdirSync(join(dir, 'res.partial-124'))
    writeFileSync(join(dir, 'res.partial-124', 'mine.txt'), 'not the kit’s')
    claimResultsFolder(join(dir, 'res'), 0).release()
    expect(readdirSync(dir).sort()).toEqual(['res', 'res.partial-124'])
    // Killed between moving the old folder aside and moving the new one in.
    renameSync(join(dir, 'res'), join(dir, 'res.old-125'))
    claimResultsFolder(join(dir, 'res'), 0).release()
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('old\n')
    expect(readdirSync(dir).sort()).toEqual(['res', 'res.partial-124'])
  })
  it('checks free space up front; a failed write says so on one line and changes nothing', () => {
    const dir = scratch()
    expect(() => claimResultsFolder(join(dir, 'res'), 1e18)).toThrowError(
      /free on its file system, the results need about 1\.0 EB/,
    )
    expect(existsSync(join(dir, 'res.lock'))).toBe(false)
    const out = claimResultsFolder(join(dir, 'res'), 0)
    expect(() => out.write({ 'manifest.json': manifest, 'sub/summary.csv': 'x' })).toThrowError(OutputError)
    expect(() => claimResultsFolder(join(dir, 'res'), 0).write({ 'sub/summary.csv': 'x' })).toThrowError(
      /^cannot write the results to .*res: no such folder \(ENOENT\); nothing was changed there$/,
    )
    expect(readdirSync(dir)).toEqual(['res'])
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('old\n')
    expect(describeErrno(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(
      'no space left on the device (ENOSPC)',
    )
  })
})
