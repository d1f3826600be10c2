import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-e2e-')

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
      const r = bench(['run', '--scenario', 'small', ...args, '--out', out])
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
    const r = bench(['run', '--scenario', file, '--out', join(work, 'broken-out')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/catalog\.sellers: Invalid input: expected number, received string/)
  })

  it('before npm ci: one line saying to run it, exit 2, no stack trace', () => {
    // The launcher alone, without node_modules beside it.
    const kit = join(work, 'no-deps')
    for (const f of ['bin/bench.js', 'bench/plugins/resolve-hook.js', 'package.json'])
      cpSync(join(ROOT, f), join(kit, f), { recursive: true })
    const r = spawnSync(process.execPath, [join(kit, 'bin/bench.js'), 'run'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^bench: tsx is not installed: run npm ci first \(in .*no-deps\/\)\n$/)
  })

  it('a catalog CSV with a non-number names the file, line and column', () => {
    const dir = tempDir('trafficbench-cat-')
    writeFileSync(join(dir, 'sellers.csv'), 'seller_id\ns1\n')
    writeFileSync(join(dir, 'products.csv'), 'product_id,seller_id,category,price\np1,s1,toys,4\np2,s1,toys,n/a\n')
    const r = bench(['run', '--scenario', 'small', '--catalog', dir, '--out', join(work, 'cat-out')])
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
    const r = bench(['run', '--scenario', 'small', '--plugin', file, '--algorithms', 'broken', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`plugin "broken", seed 1, round 0, rank\(\) at \S+broken-plugin\.mts: ` +
          'returned bad slots: slot 1 holds product -5, which is not a product index',
      ),
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(readCsvRows(join(out, 'errors.csv'))).toEqual([
      expect.objectContaining({ algorithm: 'broken', round: '0', cell: 'small/broken/seed1' }),
    ])
    expect(readCsvRows(join(out, 'summary.csv'))).toEqual([])
    const debug = bench([
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
    ])
    expect(debug.stderr).toMatch(/\n\s+at /)
  })

  it('a .ts plugin outside an ES-module package gets a hint that fixes it', () => {
    const file = join(work, 'commonjs-plugin.ts')
    writeFileSync(
      file,
      `import { z } from '${join(ROOT, 'algorithms/kit/index.ts')}'\nexport default { name: 'cjs', summary: 'x', ` +
        `claims: [], params: z.object({}), create: () => ({ rank() {} }) }\n`,
    )
    const r = bench(['run', '--plugin', file, '--out', join(work, 'cjs')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot load plugin .*commonjs-plugin\.ts/)
    expect(r.stderr).toMatch(/name it \.mts, or put a package\.json/)
  })

  it('a plugin file without a valid default export is named as such', () => {
    const file = join(work, 'not-a-plugin.mts')
    writeFileSync(file, 'export default { name: "Bad Name", summary: "" }\n')
    const r = bench(['run', '--plugin', file, '--out', join(work, 'np')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/must default-export a plugin/)
    expect(r.stderr).toMatch(/default\.name: a lower-case name/)
  })
})
