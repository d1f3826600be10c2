import { join } from 'node:path'
import { expect, it } from 'vitest'
import { bench, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'

it('amazon on small: first price charges at least GSP per click, and GSP at least VCG; GSP is the default', () => {
  const out = join(tempDir('trafficbench-pricing-'), 'out')
  const r = bench([
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
  ])
  expect(r.stderr).toBe('')
  const rows = readCsvRows(join(out, 'summary.csv'))
  const cpc = Object.fromEntries(rows.map((row) => [row.variant, Number(row.avg_cpc)]))
  expect(cpc['adPricing=first']).toBeGreaterThan(cpc['adPricing=gsp'])
  expect(cpc['adPricing=gsp']).toBeGreaterThan(cpc['adPricing=vcg'])
  expect(cpc['adPricing=vcg']).toBeGreaterThan(0)
  const manifest = readManifest(out)
  expect(manifest.algorithms.find((a: { variant: string }) => a.variant === 'adPricing=gsp').params.adPricing).toBe(
    'gsp',
  )
})
