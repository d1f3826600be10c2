import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ROUND_COLUMNS,
  SELLER_FILE_COLUMNS,
  SUMMARY_COLUMNS,
  THROUGHPUT_COLUMNS,
} from '../bench/metrics/definitions.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/bench.js')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-e2e-'))

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true })
}
function header(file: string): string {
  return readFileSync(file, 'utf8').split('\r\n')[0]
}

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

describe('bench run on the small scenario (the real CLI)', () => {
  const first = join(work, 'first')
  const second = join(work, 'second')
  let run: ReturnType<typeof bench>
  beforeAll(() => {
    run = bench('run', '--scenario', 'small', '--seeds', '2', '--out', first)
    bench('run', '--scenario', 'small', '--seeds', '2', '--out', second, '--bench-time', '20')
  })

  it('exits 0, prints a result table and writes the result files with the exact headers', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/small: 10 runs × 2 seed\(s\)/)
    for (const a of ALGORITHMS) expect(run.stdout).toMatch(new RegExp(`^${a} `, 'm'))
    expect(readdirSync(first).sort()).toEqual([
      'manifest.json',
      'report.html',
      'rounds.csv',
      'sellers.csv',
      'summary.csv',
      'throughput.csv',
    ])
    expect(header(join(first, 'summary.csv'))).toBe(SUMMARY_COLUMNS.join(','))
    expect(header(join(first, 'rounds.csv'))).toBe(ROUND_COLUMNS.join(','))
    expect(header(join(first, 'sellers.csv'))).toBe(SELLER_FILE_COLUMNS.join(','))
    expect(header(join(first, 'throughput.csv'))).toBe(THROUGHPUT_COLUMNS.join(','))
  })

  it('writes one summary row per algorithm × seed, every metric a finite number in range', () => {
    const rows = readCsv(join(first, 'summary.csv'))
    expect(rows.map((r) => `${r.algorithm}/${r.seed}`).sort()).toEqual(
      ALGORITHMS.flatMap((a) => [`${a}/1`, `${a}/2`]).sort(),
    )
    for (const row of rows) {
      expect(row.scenario).toBe('small')
      for (const column of SUMMARY_COLUMNS.slice(3))
        expect(Number.isFinite(Number(row[column])), `${row.algorithm} ${column}=${row[column]}`).toBe(true)
      for (const share of [
        'gini_exposure',
        'top10_exposure_share',
        'new_seller_exposure_share',
        'conversion_rate',
        'ndcg_at_10',
        'sponsored_impression_share',
        'seller_survival_rate',
      ]) {
        expect(Number(row[share])).toBeGreaterThanOrEqual(0)
        expect(Number(row[share])).toBeLessThanOrEqual(1)
      }
      expect(Number(row.hhi_revenue)).toBeLessThanOrEqual(10000)
    }
    const byAlgorithm = (a: string) => rows.filter((r) => r.algorithm === a)
    // Only the ad-selling platforms sell sponsored slots.
    for (const a of ['amazon-haul', 'fair-exposure', 'oracle', 'random', 'relevance', 'temu', 'thompson', 'tiktok'])
      for (const r of byAlgorithm(a)) expect(Number(r.sponsored_impression_share)).toBe(0)
    for (const a of ['amazon', 'aliexpress'])
      for (const r of byAlgorithm(a)) expect(Number(r.ad_revenue)).toBeGreaterThan(0)
    // Rounds: one row per algorithm × seed × round; sellers: one per seller.
    expect(readCsv(join(first, 'rounds.csv'))).toHaveLength(ALGORITHMS.length * 2 * 12)
    expect(readCsv(join(first, 'sellers.csv'))).toHaveLength(ALGORITHMS.length * 2 * 200)
    const throughput = readCsv(join(first, 'throughput.csv'))
    expect(throughput).toHaveLength(ALGORITHMS.length * 2)
    for (const t of throughput) expect(Number(t.rank_ops_per_sec)).toBeGreaterThan(0)
  })

  it('the summary agrees with the per-seller and per-round files', () => {
    const summary = readCsv(join(first, 'summary.csv'))
    const sellers = readCsv(join(first, 'sellers.csv'))
    const rounds = readCsv(join(first, 'rounds.csv'))
    for (const s of summary) {
      const mine = sellers.filter((r) => r.algorithm === s.algorithm && r.seed === s.seed)
      expect(mine.filter((r) => r.active_at_end === '1').length).toBe(Number(s.sellers_active))
      const gmv = rounds
        .filter((r) => r.algorithm === s.algorithm && r.seed === s.seed)
        .reduce((t, r) => t + Number(r.gmv), 0)
      expect(gmv).toBeCloseTo(Number(s.gmv), 0)
    }
  })

  it('is byte-identical across runs of the same command, except throughput and timing', () => {
    for (const f of ['summary.csv', 'rounds.csv', 'sellers.csv'])
      expect(readFileSync(join(second, f), 'utf8')).toBe(readFileSync(join(first, f), 'utf8'))
    const strip = (dir: string) => {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
      delete m.timing
      delete m.command
      return m
    }
    expect(strip(second)).toEqual(strip(first))
  })

  it('records the config, seeds, versions and command line in manifest.json', () => {
    const m = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8'))
    expect(m.command).toBe(`bench run --scenario small --seeds 2 --out ${first}`)
    expect(m.seeds).toEqual([1, 2])
    expect(m.scenario.market.rounds).toBe(12)
    expect(m.algorithms.map((a: { name: string }) => a.name)).toEqual(ALGORITHMS)
    expect(m.algorithms.find((a: { name: string }) => a.name === 'amazon').params.priceParity).toBe(true)
    expect(m.versions.zod).toMatch(/^\d+\./)
    expect(typeof m.timing.durationMs).toBe('number')
  })
})

describe('bench run with a user plugin, an imported catalog and parameters', () => {
  it('loads a TypeScript plugin file beside the built-ins', () => {
    const file = join(work, 'cheapest.mts')
    writeFileSync(
      file,
      `import { definePlugin, topK, z } from '${join(ROOT, 'algorithms/kit/index.ts')}'
export default definePlugin({
  name: 'cheapest', summary: 'lowest price first', claims: [], params: z.object({ k: z.number().default(5) }),
  create({ market, params }) {
    const score = new Float64Array(100000), order = new Int32Array(64)
    return { rank(s, slots) {
      for (let i = 0; i < s.n; i++) score[i] = -market.products.price[s.candidates[i]]
      const got = topK(score, s.n, Math.min(params.k, s.k), order)
      for (let i = 0; i < got; i++) slots.push(s.candidates[order[i]])
    } }
  },
})
`,
    )
    const out = join(work, 'plugin')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '2',
      '--plugin',
      file,
      '--algorithms',
      'cheapest,relevance',
      '--param',
      'cheapest.k=3',
      '--out',
      out,
      '--bench-time',
      '10',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = readCsv(join(out, 'summary.csv'))
    expect(rows.map((x) => x.algorithm)).toEqual(['cheapest', 'relevance'])
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.algorithms[0]).toMatchObject({ name: 'cheapest', source: file, params: { k: 3 } })
  })

  it('loads a plain JavaScript plugin file', () => {
    const file = join(work, 'first-candidates.mjs')
    writeFileSync(
      file,
      `import { z } from '${join(ROOT, 'algorithms/kit/index.ts')}'
export default { name: 'first', summary: 'the first k candidates', claims: [], params: z.object({}),
  create: () => ({ rank(s, slots) { for (let i = 0; i < Math.min(s.k, s.n); i++) slots.push(s.candidates[i]) } }) }
`,
    )
    const out = join(work, 'js-plugin')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '2',
      '--plugin',
      file,
      '--algorithms',
      'first',
      '--out',
      out,
      '--bench-time',
      '10',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(readCsv(join(out, 'summary.csv'))[0].algorithm).toBe('first')
    // Given but not named by --algorithms: it runs nothing, and says so.
    const left = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '1',
      '--sessions',
      '50',
      '--plugin',
      file,
      '--algorithms',
      'relevance',
      '--out',
      join(work, 'js-plugin-left'),
      '--bench-time',
      '0',
      '--quiet',
    )
    expect(left.code).toBe(0)
    expect(left.stderr).toMatch(
      new RegExp(
        String.raw`^bench: warning: --plugin .*first-candidates\.mjs defines "first", ` +
          String.raw`which --algorithms does not name: it does not run\n$`,
      ),
    )
  })

  it('a sweep runs each combination as a variant, named in the column after algorithm', () => {
    const out = join(work, 'sweep')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '3',
      '--algorithms',
      'amazon,temu',
      '--sweep',
      'amazon.priceParity=true,false',
      '--sweep',
      'temu.markup=1.2,1.5',
      '--out',
      out,
      '--bench-time',
      '10',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(header(join(out, 'summary.csv')).startsWith('algorithm,variant,scenario,seed,')).toBe(true)
    const rows = readCsv(join(out, 'summary.csv'))
    expect(rows.map((x) => `${x.algorithm}/${x.variant}`)).toEqual([
      'amazon/priceParity=true',
      'amazon/priceParity=false',
      'temu/markup=1.2',
      'temu/markup=1.5',
    ])
    expect(readCsv(join(out, 'throughput.csv')).map((x) => x.variant)).toEqual([
      'priceParity=true',
      'priceParity=false',
      'markup=1.2',
      'markup=1.5',
    ])
    expect(r.stdout).toMatch(/^amazon \(priceParity=false\) /m)
    const bad = bench('run', '--scenario', 'small', '--sweep', 'temu.markup=', '--out', join(work, 'bad-sweep'))
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--sweep temu\.markup=: expected a comma-separated list/)
  })

  it('runs on a catalog imported from CSV', () => {
    const out = join(work, 'imported')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '3',
      '--catalog',
      join(ROOT, 'test/fixtures/catalog'),
      '--algorithms',
      'amazon,temu',
      '--out',
      out,
      '--bench-time',
      '10',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const sellers = readCsv(join(out, 'sellers.csv'))
    expect(sellers.map((s) => s.seller_id).slice(0, 3)).toEqual(['acme', 'bolt', 'cedar'])
  })
})

describe('bad input: clear message, exit 2, no stack trace, no results folder', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'unknown algorithm',
      ['--algorithms', 'amazon,ebay'],
      new RegExp(
        'unknown algorithm "ebay"; available: aliexpress, amazon, amazon-haul, fair-exposure, oracle, random, ' +
          'relevance, temu, thompson, tiktok',
      ),
    ],
    [
      'bad --param type',
      ['--param', 'temu.markup=lots'],
      /--param temu\.markup=lots: temu's parameter markup: Invalid input: expected number, received string/,
    ],
    ['unknown --param key', ['--param', 'amazon.nope=1'], /amazon has no parameter "nope"/],
    [
      'non-integer --seeds',
      ['--seeds', 'two'],
      /option '--seeds <n>' argument 'two' is invalid\. expected a whole number ≥ 1/,
    ],
    ['unknown scenario', ['--scenario', 'christmas'], /no scenario "christmas"/],
  ]
  for (const [what, args, message] of cases) {
    it(what, () => {
      const out = join(work, `bad-${what.replace(/\W+/g, '-')}`)
      const r = bench('run', '--scenario', 'small', ...args, '--out', out)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(existsSync(out)).toBe(false)
      expect(readdirSync(work).filter((f) => f.includes('.partial-'))).toEqual([])
    })
  }

  it('a scenario file with a wrong field names the field path and the expected type', () => {
    const file = join(work, 'broken.json')
    writeFileSync(file, JSON.stringify({ extends: 'small', name: 'broken', catalog: { sellers: 'lots' } }))
    const r = bench('run', '--scenario', file, '--out', join(work, 'broken-out'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/catalog\.sellers: Invalid input: expected number, received string/)
  })

  it('a catalog CSV with a non-number names the file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trafficbench-cat-'))
    writeFileSync(join(dir, 'sellers.csv'), 'seller_id\ns1\n')
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\np1,s1,toys,4\np2,s1,toys,n/a\n')
    const r = bench('run', '--scenario', 'small', '--catalog', dir, '--out', join(work, 'cat-out'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /products\.csv line 3, column price \(value "n\/a"\): Invalid input: expected number, received string/,
    )
  })

  it('a plugin returning bad slots fails its cell with exit 1 and errors.csv; --debug adds the stack', () => {
    const file = join(work, 'broken-plugin.mts')
    writeFileSync(
      file,
      `import { z } from '${join(ROOT, 'algorithms/kit/index.ts')}'
export default { name: 'broken', summary: 'shows a product that is not a candidate', claims: [], params: z.object({}),
  create: () => ({ rank: (s: any, slots: any) => { slots.push(-5) } }) }
`,
    )
    const out = join(work, 'broken-plugin-out')
    const r = bench('run', '--scenario', 'small', '--plugin', file, '--algorithms', 'broken', '--out', out)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`plugin "broken", seed 1, round 0, rank\(\) at \S+broken-plugin\.mts: ` +
          'returned bad slots: slot 1 holds product -5, which is not a product index',
      ),
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(readCsv(join(out, 'errors.csv'))).toEqual([
      expect.objectContaining({ algorithm: 'broken', round: '0', cell: 'small/broken/seed1' }),
    ])
    expect(readCsv(join(out, 'summary.csv'))).toEqual([])
    const debug = bench(
      'run',
      '--scenario',
      'small',
      '--plugin',
      file,
      '--algorithms',
      'broken',
      '--out',
      out,
      '--debug',
    )
    expect(debug.stderr).toMatch(/\n\s+at /)
  })

  it('a .ts plugin outside an ES-module package gets a hint that fixes it', () => {
    const file = join(work, 'commonjs-plugin.ts')
    writeFileSync(
      file,
      `import { z } from '${join(ROOT, 'algorithms/kit/index.ts')}'\nexport default { name: 'cjs', summary: 'x', ` +
        `claims: [], params: z.object({}), create: () => ({ rank() {} }) }\n`,
    )
    const r = bench('run', '--plugin', file, '--out', join(work, 'cjs'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot load plugin .*commonjs-plugin\.ts/)
    expect(r.stderr).toMatch(/name it \.mts, or put a package\.json/)
  })

  it('a plugin file without a valid default export is named as such', () => {
    const file = join(work, 'not-a-plugin.mts')
    writeFileSync(file, 'export default { name: "Bad Name", summary: "" }\n')
    const r = bench('run', '--plugin', file, '--out', join(work, 'np'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/must default-export a plugin/)
    expect(r.stderr).toMatch(/default\.name: a lower-case name/)
  })
})

describe('bench list', () => {
  it('lists algorithms with summaries and parameters, scenarios, and metric definitions', () => {
    const r = bench('list')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}temu {9}Price-first managed marketplace/m)
    expect(r.stdout).toMatch(/--param amazon\.priceParity=true/)
    expect(r.stdout).toMatch(/black-friday/)
    expect(r.stdout).toMatch(/gini_exposure +\[lower\] Gini coefficient/)
    expect(r.stdout).toMatch(/rank_p99_us/)
  })
})

describe('CLI conventions', () => {
  it('--version prints the version of package.json', () => {
    const r = bench('--version')
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
  })
  it('run --format json prints the table as JSON, list --format json the listing', () => {
    const out = join(work, 'json')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '2',
      '--algorithms',
      'relevance,temu',
      '--sweep',
      'temu.markup=1.2,1.5',
      '--bench-time',
      '0',
      '--format',
      'json',
      '--out',
      out,
    )
    expect(r.stderr).toBe('')
    const printed = JSON.parse(r.stdout)
    expect(printed).toMatchObject({ scenario: 'small', runs: 3, seeds: [1], results: out })
    expect(printed.rows.map((x: { algorithm: string; variant: string }) => `${x.algorithm}/${x.variant}`)).toEqual([
      'relevance/',
      'temu/markup=1.2',
      'temu/markup=1.5',
    ])
    const summary = readCsv(join(out, 'summary.csv'))
    expect(printed.rows[0].gini_exposure).toBeCloseTo(Number(summary[0].gini_exposure), 6)
    const listed = JSON.parse(bench('list', '--format', 'json').stdout)
    expect(listed.algorithms.map((a: { name: string }) => a.name)).toEqual(ALGORITHMS)
    expect(listed.algorithms.find((a: { name: string }) => a.name === 'amazon').params.priceParity).toBe(true)
    expect(listed.scenarios.map((s: { name: string }) => s.name)).toEqual(['black-friday', 'default', 'small', 'year'])
    expect(listed.metrics.summary.map((m: { name: string }) => m.name)).toEqual(SUMMARY_COLUMNS.slice(4))
  })
  it('the default results folder is results/NAME-TIMESTAMP under the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'trafficbench-cwd-'))
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--scenario',
        'small',
        '--rounds',
        '2',
        '--sessions',
        '50',
        '--bench-time',
        '0',
        '--algorithms',
        'relevance',
      ],
      { cwd, encoding: 'utf8' },
    )
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(cwd)).toEqual(['results'])
    expect(readdirSync(join(cwd, 'results'))).toEqual([expect.stringMatching(/^small-\d{8}-\d{6}$/)])
  })
})

describe('spreadsheet-safe CSV (OWASP CSV injection)', () => {
  const ids = ['=HYPERLINK("http://x","y")', '+1', '@x', '-x', '\tx']
  it('seller ids that a spreadsheet would run are written with a leading quote and read back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trafficbench-formula-'))
    writeFileSync(
      join(dir, 'sellers.csv'),
      `${['seller_id', ...ids.map((id) => `"${id.replace(/"/g, '""')}"`)].join('\n')}\n`,
    )
    writeFileSync(
      join(dir, 'products.csv'),
      `${[
        'product_id,seller_id,category,price',
        ...ids.map((id, i) => `p${i},"${id.replace(/"/g, '""')}",toys,${5 + i}`),
      ].join('\n')}\n`,
    )
    // One catalog name for both folders (the rows carry it; without catalog.json each folder's name would).
    writeFileSync(join(dir, 'catalog.json'), '{ "name": "formula" }')
    const out = join(dir, 'out')
    const r = bench(
      'run',
      '--scenario',
      'small',
      '--rounds',
      '2',
      '--catalog',
      dir,
      '--algorithms',
      'relevance',
      '--bench-time',
      '0',
      '--out',
      out,
    )
    expect(r.stderr).toBe('')
    const cells = parse(readFileSync(join(out, 'sellers.csv'), 'utf8')) as string[][]
    for (const row of cells) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/)
    expect(readCsv(join(out, 'sellers.csv')).map((s) => s.seller_id)).toEqual(ids.map((id) => `'${id}`))
    // The kit's own reader takes the quote off again: the catalog importer reads its own sellers.csv back.
    const again = join(dir, 'again')
    writeFileSync(join(out, 'products.csv'), readFileSync(join(dir, 'products.csv')))
    writeFileSync(join(out, 'catalog.json'), readFileSync(join(dir, 'catalog.json')))
    expect(
      bench(
        'run',
        '--scenario',
        'small',
        '--rounds',
        '2',
        '--catalog',
        out,
        '--algorithms',
        'relevance',
        '--bench-time',
        '0',
        '--out',
        again,
      ).stderr,
    ).toBe('')
    expect(readFileSync(join(again, 'sellers.csv'), 'utf8')).toBe(readFileSync(join(out, 'sellers.csv'), 'utf8'))
  })
  it('compare reads escaped text cells back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trafficbench-formula-'))
    writeFileSync(
      join(dir, 'summary.csv'),
      "algorithm,variant,scenario,seed,gmv\r\nrelevance,'=cmd,'+x,1,5\r\nrelevance,'=cmd,'+x,2,7\r\n",
    )
    const r = bench('compare', join(dir, 'summary.csv'), join(dir, 'summary.csv'), '--format', 'json')
    expect(r.stderr).toBe('')
    const row = JSON.parse(r.stdout).rows[0]
    expect(row.baseline).toMatchObject({ algorithm: 'relevance', variant: '=cmd', scenario: '+x' })
    expect(row.metric).toBe('gmv')
  })
})

describe('two runs, one --out', () => {
  const started = (file: string) =>
    new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (existsSync(file)) {
          clearInterval(poll)
          done()
        }
      }, 50)
    })
  const slow = (out: string) =>
    spawn(process.execPath, [
      BIN,
      'run',
      '--scenario',
      'small',
      '--rounds',
      '3',
      '--sessions',
      '100000',
      '--algorithms',
      'relevance',
      '--bench-time',
      '0',
      '--out',
      out,
    ])
  const ended = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((done) => child.on('close', (code) => done(code)))

  it('the second fails at once naming the first; the first completes', async () => {
    const out = join(work, 'shared')
    const first = slow(out)
    await started(`${out}.lock`)
    const second = bench('run', '--scenario', 'small', '--rounds', '2', '--algorithms', 'relevance', '--out', out)
    expect(second.code).toBe(2)
    const since = JSON.parse(readFileSync(`${out}.lock`, 'utf8')).startedAt
    expect(second.stderr).toBe(
      `bench: --out ${out}: another run (pid ${first.pid}, since ${since}) ` +
        `is writing this folder; wait for it or choose another --out (if no such run exists, delete ${out}.lock)\n`,
    )
    expect(await ended(first)).toBe(0)
    expect(readdirSync(work).filter((f) => f.startsWith('shared'))).toEqual(['shared'])
  })
  it(
    'a run killed mid-way leaves no results folder (only its lock and store); ' + 'the next run takes both over',
    async () => {
      const out = join(work, 'killed')
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const victim = slow(out)
        await started(`${out}.lock`)
        victim.kill(signal)
        await ended(victim)
        // killed.cells (the store of finished cells, here none) exists once the run got that far.
        expect(readdirSync(work).filter((f) => f.startsWith('killed') && f !== 'killed.cells')).toEqual(['killed.lock'])
      }
      const next = bench(
        'run',
        '--scenario',
        'small',
        '--rounds',
        '2',
        '--algorithms',
        'relevance',
        '--bench-time',
        '0',
        '--out',
        out,
      )
      expect(next.stderr).toBe('')
      expect(readdirSync(work).filter((f) => f.startsWith('killed'))).toEqual(['killed'])
    },
  )
})
