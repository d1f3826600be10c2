import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { bench, benchProcess, exited, readCsvRows, tempDir, until } from './helpers/cli.ts'

const work = tempDir('trafficbench-e2e-')

describe('spreadsheet-safe CSV (OWASP CSV injection)', () => {
  const ids = ['=HYPERLINK("http://x","y")', '+1', '@x', '-x', '\tx']
  it('seller ids that a spreadsheet would run are written with a leading quote and read back unchanged', () => {
    const dir = tempDir('trafficbench-formula-')
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
    const r = bench([
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
    ])
    expect(r.stderr).toBe('')
    const cells = parse(readFileSync(join(out, 'sellers.csv'), 'utf8')) as string[][]
    for (const row of cells) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/)
    expect(readCsvRows(join(out, 'sellers.csv')).map((s) => s.seller_id)).toEqual(ids.map((id) => `'${id}`))
    // The kit's own reader takes the quote off again: the catalog importer reads its own sellers.csv back.
    const again = join(dir, 'again')
    writeFileSync(join(out, 'products.csv'), readFileSync(join(dir, 'products.csv')))
    writeFileSync(join(out, 'catalog.json'), readFileSync(join(dir, 'catalog.json')))
    expect(
      bench([
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
      ]).stderr,
    ).toBe('')
    expect(readFileSync(join(again, 'sellers.csv'), 'utf8')).toBe(readFileSync(join(out, 'sellers.csv'), 'utf8'))
  })
  it('compare reads escaped text cells back unchanged', () => {
    const dir = tempDir('trafficbench-formula-')
    writeFileSync(
      join(dir, 'summary.csv'),
      "algorithm,variant,scenario,seed,gmv\r\nrelevance,'=cmd,'+x,1,5\r\nrelevance,'=cmd,'+x,2,7\r\n",
    )
    const r = bench(['compare', join(dir, 'summary.csv'), join(dir, 'summary.csv'), '--format', 'json'])
    expect(r.stderr).toBe('')
    const row = JSON.parse(r.stdout).rows[0]
    expect(row.baseline).toMatchObject({ algorithm: 'relevance', variant: '=cmd', scenario: '+x' })
    expect(row.metric).toBe('gmv')
  })
})

describe('two runs, one --out', () => {
  const started = (file: string) => until(() => existsSync(file), 50)
  const slow = (out: string) =>
    benchProcess([
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

  it('the second fails at once naming the first; the first completes', async () => {
    const out = join(work, 'shared')
    const first = slow(out)
    await started(`${out}.lock`)
    const second = bench(['run', '--scenario', 'small', '--rounds', '2', '--algorithms', 'relevance', '--out', out])
    expect(second.code).toBe(2)
    const since = JSON.parse(readFileSync(`${out}.lock`, 'utf8')).startedAt
    expect(second.stderr).toBe(
      `bench: --out ${out}: another run (pid ${first.pid}, since ${since}) ` +
        `is writing this folder; wait for it or choose another --out (if no such run exists, delete ${out}.lock)\n`,
    )
    expect(await exited(first)).toBe(0)
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
        await exited(victim)
        // killed.cells (the store of finished cells, here none) exists once the run got that far.
        expect(readdirSync(work).filter((f) => f.startsWith('killed') && f !== 'killed.cells')).toEqual(['killed.lock'])
      }
      const next = bench([
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
      ])
      expect(next.stderr).toBe('')
      expect(readdirSync(work).filter((f) => f.startsWith('killed'))).toEqual(['killed'])
    },
  )
})
