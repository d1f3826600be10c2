import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')

it('amazon on small: first price charges at least GSP per click, and GSP at least VCG; GSP is the default', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'trafficbench-pricing-')), 'out')
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/bench.js'),
      'run',
      '--scenario',
      'small',
      '--algorithms',
      'amazon',
      '--sweep',
      'amazon.adPricing=gsp,first,vcg',
      '--bench-time',
      '0',
      '--quiet',
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  )
  expect(r.stderr).toBe('')
  const rows: Record<string, string>[] = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true })
  const cpc = Object.fromEntries(rows.map((row) => [row.variant, Number(row.avg_cpc)]))
  expect(cpc['adPricing=first']).toBeGreaterThan(cpc['adPricing=gsp'])
  expect(cpc['adPricing=gsp']).toBeGreaterThan(cpc['adPricing=vcg'])
  expect(cpc['adPricing=vcg']).toBeGreaterThan(0)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  expect(manifest.algorithms.find((a: { variant: string }) => a.variant === 'adPricing=gsp').params.adPricing).toBe(
    'gsp',
  )
})
