import { join } from 'node:path'
import {
  type Case,
  catalog,
  describeBadInputs,
  plugin,
  run,
  scenario,
  withCatalog,
  withPlugin,
  withScenario,
} from './helpers/bad-inputs.ts'

/** Scenario files, catalog folders and plugin files (see test/helpers/bad-inputs.ts). */
const CASES: Case[] = [
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
    // "café" and "cafè" in Latin-1 would both decode to "caf\uFFFD": one category where the file has two.
    name: 'catalog not UTF-8 (Latin-1)',
    setup: catalog(
      'seller_id\ns1\n',
      Buffer.from('product_id,seller_id,category,price\np1,s1,café,4\np2,s1,cafè,4\n', 'latin1'),
    ),
    args: withCatalog,
    code: 2,
    message: /products\.csv line 2, column 10: not valid UTF-8 \(byte 0xE9\); save the file as UTF-8/,
  },
  {
    name: 'catalog price of 1e308 (refused on reading, not after every cell ran)',
    setup: catalog('seller_id\ns1\n', 'product_id,seller_id,category,price\np1,s1,toys,4\np2,s1,toys,1e308\n'),
    args: withCatalog,
    code: 2,
    message: /products\.csv line 3, column price \(value "1e308"\): expected an amount below 10\^12/,
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
    name: 'plugin whose platform() gives a NaN referral rate',
    setup: plugin(
      "export default definePlugin({ name: 'nan-fees', summary: 'x', claims: [], params: z.object({}), " +
        'platform: () => ({ referralRate: () => Number.NaN }), create: () => ({ rank() {} }) })',
    ),
    args: withPlugin('--algorithms', 'nan-fees'),
    code: 2,
    message: /plugin nan-fees: platform\(\)\.referralRate\(clothing, 10\) returned NaN: expected a share from 0 to 1/,
  },
  {
    name: 'plugin whose platform() names an unknown session kind',
    setup: plugin(
      "export default definePlugin({ name: 'odd-kind', summary: 'x', claims: [], params: z.object({}), " +
        "platform: () => ({ sessionKind: 'browse' }), create: () => ({ rank() {} }) })",
    ),
    args: withPlugin('--algorithms', 'odd-kind'),
    code: 2,
    message: /plugin odd-kind: platform\(\): sessionKind "browse": expected "search" or "feed"/,
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
]

describeBadInputs('input files', CASES, 26)
