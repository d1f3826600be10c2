import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, it } from 'vitest'

/**
 * Bad inputs, table-driven: each runs the real CLI from a scratch copy of the kit, in a scratch
 * working directory, and must exit with the expected code and exactly one clear line on stderr (no
 * stack trace), losing and half-writing nothing: its own folder is byte-identical afterwards, the
 * sentinel files of the working directory, its parent and the kit survive, no results folder, lock
 * or .partial-/.old- folder is left. A plugin fault is the exception: it fails its own cells, whose
 * results folder is written with errors.csv naming them (and DIR.cells kept for a rerun).
 */
const ROOT = resolve(import.meta.dirname, '..')
const SCRATCH = mkdtempSync(join(tmpdir(), 'trafficbench-bad-'))
const KIT = join(SCRATCH, 'kit')
const HOME = join(SCRATCH, 'home')
const CWD = join(HOME, 'work')
const KIT_INDEX = join(KIT, 'algorithms/kit/index.ts')
const FAST = ['--scenario', 'small', '--rounds', '2', '--sessions', '50', '--bench-time', '0']
const SENTINELS = [join(HOME, 'sentinel.txt'), join(CWD, 'sentinel.txt'), join(KIT, 'package.json')]

interface Case {
  name: string
  /** The command line; `dir` is the case's own scratch folder. */
  args: (dir: string) => string[]
  setup?: (dir: string) => void
  code: 1 | 2
  message: RegExp
  /** A plugin fault fails its cells only: the results folder is written, with these cells in errors.csv. */
  failedCells?: string[]
}

const write = (dir: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}
/** `bench run` on the fast small market, results into the case folder's `out` (which must never appear). */
const run =
  (...args: string[]) =>
  (dir: string) => ['run', ...FAST, ...args, '--out', join(dir, 'out')]
const plugin = (body: string) => (dir: string) =>
  write(dir, { 'p.mts': `import { z, definePlugin } from '${KIT_INDEX}'\n${body}\n` })
const withPlugin =
  (...args: string[]) =>
  (dir: string) =>
    run('--plugin', join(dir, 'p.mts'), ...args)(dir)
const catalog = (sellers: string, products: string) => (dir: string) =>
  write(dir, { 'cat/sellers.csv': sellers, 'cat/products.csv': products })
const withCatalog = (dir: string) => run('--catalog', join(dir, 'cat'), '--algorithms', 'relevance')(dir)
const scenario = (json: string) => (dir: string) => write(dir, { 's.json': json })
const withScenario = (dir: string) => ['run', '--scenario', join(dir, 's.json'), '--out', join(dir, 'out')]
const SUMMARY = 'algorithm,variant,scenario,seed,gini_exposure\r\nrelevance,,small,1,0.5\r\nrelevance,,small,2,0.6\r\n'
const summary =
  (text = SUMMARY) =>
  (dir: string) =>
    write(dir, { 'summary.csv': text })
const compare =
  (...args: string[]) =>
  (dir: string) => ['compare', join(dir, 'summary.csv'), join(dir, 'summary.csv'), ...args]
const MANIFEST = JSON.stringify({
  command: 'bench run',
  versions: { trafficbench: '0.1.0' },
  timing: { startedAt: '2026-01-01T00:00:00.000Z' },
})
const out =
  (target: string | ((dir: string) => string), command = 'run') =>
  (dir: string) => [
    command,
    ...(command === 'run' ? FAST : []),
    '--out',
    typeof target === 'string' ? target : target(dir),
  ]

const CASES: Case[] = [
  // Flags
  {
    name: 'unknown option',
    args: run('--sed', '3'),
    code: 2,
    message: /unknown option '--sed' \(Did you mean --seeds\?\)/,
  },
  {
    name: '--seeds 0',
    args: run('--seeds', '0'),
    code: 2,
    message: /'--seeds <n>' argument '0' is invalid\. expected a whole number ≥ 1/,
  },
  { name: '--seeds 1.5', args: run('--seeds', '1.5'), code: 2, message: /argument '1\.5' is invalid/ },
  {
    name: '--seeds 1e9 refused before simulating',
    args: run('--seeds', '1e9'),
    code: 2,
    message: /this run is too large: estimated .* of memory and [\d,]+ years, but the machine has/,
  },
  { name: '--rounds -1', args: run('--rounds', '-1'), code: 2, message: /'--rounds <n>' argument '-1' is invalid/ },
  {
    name: '--sessions abc',
    args: run('--sessions', 'abc'),
    code: 2,
    message: /'--sessions <n>' argument 'abc' is invalid/,
  },
  { name: '--bench-time -5', args: run('--bench-time', '-5'), code: 2, message: /expected a whole number ≥ 0/ },
  {
    name: '--algorithms ,',
    args: run('--algorithms', ','),
    code: 2,
    message: /argument ',' is invalid\. expected a comma-separated list of names, none empty/,
  },
  {
    name: '--algorithms with an empty entry',
    args: run('--algorithms', 'relevance,,random'),
    code: 2,
    message: /none empty/,
  },
  {
    name: '--algorithms twice the same',
    args: run('--algorithms', 'relevance,relevance'),
    code: 2,
    message: /--algorithms: "relevance" is named twice/,
  },
  {
    name: '--algorithms unknown',
    args: run('--algorithms', 'ebay'),
    code: 2,
    message: /unknown algorithm "ebay"; available: aliexpress, amazon/,
  },
  {
    name: '--param unknown key',
    args: run('--param', 'amazon.nope=1'),
    code: 2,
    message: /amazon has no parameter "nope"/,
  },
  {
    name: '--param wrong type',
    args: run('--param', 'temu.markup=lots'),
    code: 2,
    message: /temu's parameter markup: Invalid input: expected number, received string/,
  },
  {
    name: '--param without a plugin',
    args: run('--param', 'markup=2'),
    code: 2,
    message: /expected algorithm\.key=value/,
  },
  {
    name: '--param set twice',
    args: run('--param', 'amazon.adSlots=1', '--param', 'amazon.adSlots=2'),
    code: 2,
    message: /--param: amazon\.adSlots is set twice/,
  },
  {
    name: '--param ad positions repeated',
    args: run('--param', 'amazon.adPositions=[1,1,1,1]', '--param', 'amazon.adSlots=4'),
    code: 2,
    message: /^bench: amazon\.adPositions=\[1,1,1,1\]: position 1 is listed twice/,
  },
  {
    name: '--param ad positions beyond k',
    args: run('--param', 'amazon.adPositions=[100,200]'),
    code: 2,
    message: /^bench: amazon\.adPositions=\[100,200\]: position 100 is beyond the 20 slots/,
  },
  {
    name: '--param more ad slots than positions',
    args: run('--param', 'amazon.adSlots=9'),
    code: 2,
    message: /^bench: amazon\.adSlots=9: 9 ad slots but adPositions lists 6 positions/,
  },
  {
    name: '--sweep an ad position beyond k',
    args: run('--sweep', 'aliexpress.adPositions=[1],[21]', '--param', 'aliexpress.adSlots=1'),
    code: 2,
    message: /aliexpress\.adPositions=\[21\]: position 21 is beyond/,
  },
  {
    name: '--param unknown pricing rule',
    args: run('--param', 'amazon.adPricing=second'),
    code: 2,
    message: /amazon's parameter adPricing: Invalid option: expected one of "gsp"\|"first"\|"vcg"/,
  },
  {
    name: '--sweep a value twice',
    args: run('--sweep', 'amazon.adSlots=2,2'),
    code: 2,
    message: /--sweep amazon\.adSlots=2,2: the value 2 is listed twice/,
  },
  {
    name: '--sweep empty',
    args: run('--sweep', 'temu.markup='),
    code: 2,
    message: /expected a comma-separated list of values with none empty/,
  },
  {
    name: '--sweep a key twice',
    args: run('--sweep', 'amazon.adSlots=1,2', '--sweep', 'amazon.adSlots=3'),
    code: 2,
    message: /--sweep: amazon\.adSlots is set twice/,
  },
  {
    name: 'run --format yaml',
    args: run('--format', 'yaml'),
    code: 2,
    message: /argument 'yaml' is invalid\. Allowed choices are table, json/,
  },
  {
    name: 'list --format xml',
    args: () => ['list', '--format', 'xml'],
    code: 2,
    message: /Allowed choices are table, json/,
  },
  {
    name: 'facts --format yaml',
    args: (dir) => ['facts', '--format', 'yaml', '--out', join(dir, 'out')],
    code: 2,
    message: /Allowed choices are table, csv, json/,
  },
  {
    name: 'facts --seeds 1e9',
    args: (dir) => ['facts', '--seeds', '1e9', '--out', join(dir, 'out')],
    code: 2,
    message: /this run is too large/,
  },
  { name: 'unknown command', args: () => ['rnu'], code: 2, message: /unknown command 'rnu' \(Did you mean run\?\)/ },
  {
    name: 'report on a folder that is no results folder',
    args: (dir) => ['report', dir],
    setup: (dir) => write(dir, { 'notes.txt': 'x' }),
    code: 2,
    message: /is not a complete results folder: no summary\.csv/,
  },
  // Scenarios
  {
    name: 'unknown scenario',
    args: (dir) => ['run', '--scenario', 'christmas', '--out', join(dir, 'out')],
    code: 2,
    message: /no scenario "christmas": not a preset \(black-friday, default, small, year\) nor a file/,
  },
  {
    name: 'scenario not JSON',
    setup: scenario('{ "name": '),
    args: withScenario,
    code: 2,
    message: /scenario .*s\.json is not valid JSON/,
  },
  {
    name: 'scenario JSON array',
    setup: scenario('[1]'),
    args: withScenario,
    code: 2,
    message: /must hold a JSON object/,
  },
  {
    name: 'scenario named like a path',
    setup: scenario('{ "extends": "small", "name": "../../x" }'),
    args: withScenario,
    code: 2,
    message: /is not valid: name: a name of letters, digits/,
  },
  {
    name: 'scenario named like a formula',
    setup: scenario('{ "extends": "small", "name": "=HYPERLINK(\\"http://x\\")" }'),
    args: withScenario,
    code: 2,
    message: /is not valid: name: a name of letters/,
  },
  {
    name: 'scenario extends itself',
    setup: scenario('{ "extends": "./s.json", "name": "loop" }'),
    args: withScenario,
    code: 2,
    message: /extends itself/,
  },
  {
    name: 'scenario field of the wrong type',
    setup: scenario('{ "extends": "small", "name": "x", "catalog": { "sellers": "lots" }, "market": { "rounds": 0 } }'),
    args: withScenario,
    code: 2,
    message: /catalog\.sellers: Invalid input: expected number, received string; market\.rounds: Too small/,
  },
  {
    name: 'scenario unknown field',
    setup: scenario('{ "name": "x", "catalog": { "sellerz": 3 } }'),
    args: withScenario,
    code: 2,
    message: /catalog: Unrecognized key: "sellerz"/,
  },
  {
    name: 'scenario "extends" not a string',
    setup: scenario('{ "extends": 3, "name": "x" }'),
    args: withScenario,
    code: 2,
    message: /"extends" must name a preset or a file/,
  },
  // Catalogs
  {
    name: 'catalog folder missing',
    args: withCatalog,
    code: 2,
    message: /no \S*sellers\.csv \(a catalog folder holds/,
  },
  {
    name: 'catalog price not a number',
    setup: catalog('seller_id\ns1\n', 'product_id,seller_id,category,price\np1,s1,toys,4\np2,s1,toys,n/a\n'),
    args: withCatalog,
    code: 2,
    message: /products\.csv line 3, column price \(value "n\/a"\): Invalid input: expected number/,
  },
  {
    name: 'catalog column missing',
    setup: catalog('seller_id\ns1\n', 'product_id,seller_id,price\np1,s1,4\n'),
    args: withCatalog,
    code: 2,
    message: /products\.csv: missing column category \(columns found: product_id, seller_id, price\)/,
  },
  {
    name: 'catalog unknown seller',
    setup: catalog('seller_id\ns1\n', 'product_id,seller_id,category,price\np1,zed,toys,4\n'),
    args: withCatalog,
    code: 2,
    message: /column seller_id: seller "zed" is not in \S*sellers\.csv/,
  },
  {
    name: 'catalog empty products.csv',
    setup: catalog('seller_id\ns1\n', ''),
    args: withCatalog,
    code: 2,
    message: /products\.csv is empty/,
  },
  {
    name: 'catalog unclosed quote',
    setup: catalog('seller_id\n"s1\n', 'product_id,seller_id,category,price\np1,s1,toys,4\n'),
    args: withCatalog,
    code: 2,
    message: /sellers\.csv is not valid CSV/,
  },
  {
    name: 'catalog seller twice',
    setup: catalog('seller_id\ns1\ns1\n', 'product_id,seller_id,category,price\np1,s1,toys,4\n'),
    args: withCatalog,
    code: 2,
    message: /sellers\.csv line 3, column seller_id: seller "s1" appears twice/,
  },
  {
    name: 'catalog negative price',
    setup: catalog('seller_id\ns1\n', 'product_id,seller_id,category,price\np1,s1,toys,-4\n'),
    args: withCatalog,
    code: 2,
    message: /column price \(value "-4"\): Too small/,
  },
  // Compare inputs
  { name: 'compare one input', args: (dir) => ['compare', dir], code: 2, message: /compare needs at least two inputs/ },
  {
    name: 'compare a missing path',
    args: (dir) => ['compare', join(dir, 'nope'), join(dir, 'nope')],
    code: 2,
    message: /nope: no such file or folder/,
  },
  {
    name: 'compare a folder without results',
    setup: (dir) => write(dir, { 'empty/notes.txt': 'x' }),
    args: (dir) => ['compare', join(dir, 'empty'), join(dir, 'empty')],
    code: 2,
    message: /the folder holds neither summary\.csv nor throughput\.csv/,
  },
  {
    name: 'compare a bad number',
    setup: summary(SUMMARY.replace('0.6', 'high')),
    args: compare(),
    code: 2,
    message: /summary\.csv line 3, column gini_exposure \(value "high"\)/,
  },
  {
    name: 'compare a header without rows',
    setup: summary('algorithm,variant,scenario,seed,gini_exposure\r\n'),
    args: compare(),
    code: 2,
    message: /has a header but no rows/,
  },
  {
    name: 'compare a row twice',
    setup: summary(`${SUMMARY}relevance,,small,2,0.7\r\n`),
    args: compare(),
    code: 2,
    message: /line 4: relevance \/ small seed 2 appears twice/,
  },
  {
    name: 'compare --metrics unknown',
    setup: summary(),
    args: compare('--metrics', 'nope'),
    code: 2,
    message: /--metrics: no column nope in the inputs/,
  },
  {
    name: 'compare --format yaml',
    setup: summary(),
    args: compare('--format', 'yaml'),
    code: 2,
    message: /--format yaml: expected one of table, md, csv, json/,
  },
  {
    name: 'compare --fail-on malformed',
    setup: summary(),
    args: compare('--fail-on', 'gini_exposure'),
    code: 2,
    message: /--fail-on gini_exposure: expected metric:\+limit/,
  },
  // Plugin files
  {
    name: 'plugin throws in create',
    setup: plugin(
      "export default definePlugin({ name: 'thrower', summary: 't', claims: [], params: z.object({}), create() { " +
        "throw new Error('boom in create') } })",
    ),
    args: withPlugin('--algorithms', 'thrower,relevance'),
    code: 1,
    message: new RegExp(
      String.raw`^bench: 1 of 2 cells failed, the others were written .*: small\/thrower\/seed1 \(round 0: ` +
        String.raw`plugin "thrower", seed 1, before round 0, create\(\) at \S+p\.mts:2:\d+: boom in create\)\n$`,
    ),
    failedCells: ['small/thrower/seed1'],
  },
  {
    name: 'plugin throws in rank',
    setup: plugin(
      "export default definePlugin({ name: 'thrower', summary: 't', claims: [], params: z.object({}), create: () " +
        "=> ({ rank() { throw new TypeError('bad rank') } }) })",
    ),
    args: withPlugin('--algorithms', 'relevance,thrower'),
    code: 1,
    message: new RegExp(
      String.raw`: small\/thrower\/seed1 \(round 0: plugin "thrower", seed 1, round 0, ` +
        String.raw`rank\(\) at \S+p\.mts:2:\d+: TypeError: bad rank\)\n$`,
    ),
    failedCells: ['small/thrower/seed1'],
  },
  {
    name: 'plugin returns bad slots',
    setup: plugin(
      "export default definePlugin({ name: 'broken', summary: 'b', claims: [], params: z.object({}), create: () " +
        '=> ({ rank: (s, slots) => { slots.push(-5) } }) })',
    ),
    args: withPlugin('--algorithms', 'broken'),
    code: 1,
    message: new RegExp(
      String.raw`small\/broken\/seed1 \(round 0: plugin "broken", seed 1, round 0, ` +
        String.raw`rank\(\) at \S+\.mts: returned bad slots: slot 1 holds product -5`,
    ),
    failedCells: ['small/broken/seed1'],
  },
  {
    name: 'plugin default-exports nothing',
    setup: plugin('export const x = 1'),
    args: withPlugin(),
    code: 2,
    message: new RegExp(
      String.raw`must default-export a plugin \(see algorithms\/kit\/contract\.ts\): ` +
        'default: Invalid input: expected object, received undefined',
    ),
  },
  {
    name: 'plugin with a bad name',
    setup: plugin(
      "export default { name: 'Bad Name', summary: 'x', claims: [], params: z.object({}), create: () => ({ " +
        'rank() {} }) }',
    ),
    args: withPlugin(),
    code: 2,
    message: /default\.name: a lower-case name of letters, digits and dashes/,
  },
  {
    name: 'plugin params not a zod schema',
    setup: plugin("export default { name: 'np', summary: 'x', claims: [], params: {}, create: () => ({ rank() {} }) }"),
    args: withPlugin(),
    code: 2,
    message: /default\.params: a zod object schema/,
  },
  {
    name: 'plugin named like a built-in',
    setup: plugin(
      "export default definePlugin({ name: 'relevance', summary: 'x', claims: [], params: z.object({}), create: " +
        '() => ({ rank() {} }) })',
    ),
    args: withPlugin(),
    code: 2,
    message: /two plugins are named "relevance"/,
  },
  {
    name: 'plugin with a syntax error',
    setup: plugin('export default {'),
    args: withPlugin(),
    code: 2,
    message: /cannot load plugin .*p\.mts/,
  },
  {
    name: 'plugin file missing',
    args: (dir) => run('--plugin', join(dir, 'nowhere.mts'))(dir),
    code: 2,
    message: /cannot load plugin .*nowhere\.mts/,
  },
  // --out targets
  {
    name: '--out .',
    args: out('.'),
    code: 2,
    message: /--out "\.": is the working directory; nothing was written or deleted/,
  },
  { name: '--out ""', args: out(''), code: 2, message: /--out "": an empty path \(an unset variable\?\)/ },
  { name: '--out ..', args: out('..'), code: 2, message: /--out "\.\.": is a parent of the working directory/ },
  { name: '--out /', args: out('/'), code: 2, message: /is the root of the file system/ },
  { name: '--out the kit itself', args: out(KIT), code: 2, message: /is the trafficbench folder itself/ },
  {
    name: '--out a file',
    args: out(join(HOME, 'sentinel.txt')),
    code: 2,
    message: /sentinel\.txt: is a file, not a results folder/,
  },
  {
    name: '--out a folder of other files',
    setup: (dir) => write(dir, { 'mine/notes.txt': 'keep', 'mine/summary.csv': 'mine' }),
    args: out((dir) => join(dir, 'mine')),
    code: 2,
    message: /is a folder with other files \(notes\.txt\), not a trafficbench results folder/,
  },
  {
    name: '--out a folder whose manifest is not the kit’s',
    setup: (dir) => write(dir, { 'mine/manifest.json': '{"app": "other"}' }),
    args: out((dir) => join(dir, 'mine')),
    code: 2,
    message: /no manifest\.json written by bench/,
  },
  {
    name: '--out a results folder with a file added',
    setup: (dir) => write(dir, { 'res/manifest.json': MANIFEST, 'res/analysis.ipynb': '{}' }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: /other files \(analysis\.ipynb\)/,
  },
  {
    name: '--out a symbolic link',
    setup: (dir) => {
      write(dir, { 'res/manifest.json': MANIFEST })
      symlinkSync(join(dir, 'res'), join(dir, 'link'))
    },
    args: out((dir) => join(dir, 'link')),
    code: 2,
    message: /is a symbolic link/,
  },
  {
    name: '--out under a file',
    setup: (dir) => write(dir, { 'file.txt': 'x' }),
    args: out((dir) => join(dir, 'file.txt', 'out')),
    code: 2,
    message: /--out .*file\.txt\/out: a part of the path is a file, not a folder \(ENOTDIR\)/,
  },
  {
    name: '--out where nothing may be written',
    args: out('/sys/trafficbench-out'),
    code: 2,
    message: /cannot write in \/sys: (permission denied|operation not permitted|read-only file system)/,
  },
  {
    name: '--out another live run is writing',
    setup: (dir) => write(dir, { 'res.lock': JSON.stringify({ pid: process.pid, startedAt: 'now' }) }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: new RegExp(`another run \\(pid ${process.pid}, since now\\) is writing this folder`),
  },
  {
    name: '--out beside a foreign .lock file',
    setup: (dir) => write(dir, { 'res.lock': 'not ours' }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: /res\.lock exists and is not a trafficbench lock/,
  },
  { name: 'facts --out .', args: out('.', 'facts'), code: 2, message: /--out "\.": is the working directory/ },
]

/** Every file under `dir` with its bytes (links as their target): what must not change. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  if (!existsSync(dir)) return files
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]) {
    const path = join(dir, entry)
    files[entry] = statSync(path).isDirectory() ? '<dir>' : readFileSync(path, 'base64')
  }
  return files
}

function bench(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(KIT, 'bin/bench.js'), ...args], {
      cwd: CWD,
      env: { ...process.env, NO_COLOR: '1' },
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => done({ code, stderr }))
  })
}

beforeAll(() => {
  mkdirSync(CWD, { recursive: true })
  for (const part of ['algorithms', 'bench', 'core', 'datasets', 'seeds', 'bin', 'package.json'])
    cpSync(join(ROOT, part), join(KIT, part), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(KIT, 'node_modules'))
  for (const file of SENTINELS.slice(0, 2)) writeFileSync(file, 'keep me')
})

describe.concurrent('bad inputs: the expected exit code, one clear line, nothing lost or half-written', () => {
  it('has at least 40 cases, each named once', ({ expect }) => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length)
  })
  CASES.forEach((c, i) => {
    it(c.name, async ({ expect }) => {
      const dir = join(SCRATCH, 'cases', String(i))
      mkdirSync(dir, { recursive: true })
      c.setup?.(dir)
      const before = snapshot(dir)
      const sentinels = SENTINELS.map((f) => readFileSync(f, 'utf8'))
      const r = await bench(c.args(dir))
      expect(r.stderr).toMatch(c.message)
      expect(r.code, r.stderr).toBe(c.code)
      const lines = r.stderr.trimEnd().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^bench: /)
      expect(r.stderr).not.toMatch(/^\s+at |node:internal|\.ts:\d+:\d+/m)
      const written = Object.fromEntries(
        Object.entries(snapshot(dir)).filter(([path]) => !c.failedCells || !/^out(\.cells)?([/\\]|$)/.test(path)),
      )
      expect(written).toEqual(before)
      if (c.failedCells)
        expect(
          (parse(readFileSync(join(dir, 'out/errors.csv'), 'utf8'), { columns: true }) as { cell: string }[]).map(
            (r) => r.cell,
          ),
        ).toEqual(c.failedCells)
      expect(SENTINELS.map((f) => readFileSync(f, 'utf8'))).toEqual(sentinels)
      expect(readdirSync(HOME).sort()).toEqual(['sentinel.txt', 'work'])
      expect(readdirSync(CWD)).toEqual(['sentinel.txt'])
    })
  })
})
