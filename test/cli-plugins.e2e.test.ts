import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, ROOT, readCsvHeader, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-e2e-')

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
    const r = bench([
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
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = readCsvRows(join(out, 'summary.csv'))
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
    const r = bench([
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
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(readCsvRows(join(out, 'summary.csv'))[0].algorithm).toBe('first')
    // Given but not named by --algorithms: it runs nothing, and says so.
    const left = bench([
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
    ])
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
    const r = bench([
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
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(readCsvHeader(join(out, 'summary.csv')).startsWith('algorithm,variant,scenario,seed,')).toBe(true)
    const rows = readCsvRows(join(out, 'summary.csv'))
    expect(rows.map((x) => `${x.algorithm}/${x.variant}`)).toEqual([
      'amazon/priceParity=true',
      'amazon/priceParity=false',
      'temu/markup=1.2',
      'temu/markup=1.5',
    ])
    expect(readCsvRows(join(out, 'throughput.csv')).map((x) => x.variant)).toEqual([
      'priceParity=true',
      'priceParity=false',
      'markup=1.2',
      'markup=1.5',
    ])
    expect(r.stdout).toMatch(/^amazon \(priceParity=false\) /m)
    const bad = bench(['run', '--scenario', 'small', '--sweep', 'temu.markup=', '--out', join(work, 'bad-sweep')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--sweep temu\.markup=: expected a comma-separated list/)
  })

  it('runs on a catalog imported from CSV', () => {
    const out = join(work, 'imported')
    const r = bench([
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
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const sellers = readCsvRows(join(out, 'sellers.csv'))
    expect(sellers.map((s) => s.seller_id).slice(0, 3)).toEqual(['acme', 'bolt', 'cedar'])
  })
})
