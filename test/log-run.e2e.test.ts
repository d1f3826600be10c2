import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-logrun-')

describe('bench run --write-log, then bench metrics on that log: one definition, two routes', () => {
  const run = join(work, 'run')
  const made = bench([
    'run',
    '--scenario',
    'small',
    '--algorithms',
    'amazon,temu,tiktok',
    '--write-log',
    '--bench-time',
    '0',
    '--quiet',
    '--out',
    run,
  ])

  it('writes one impression log per run inside the results folder, and nothing beside it', () => {
    expect(made.code, made.stderr).toBe(0)
    expect(
      readdirSync(run)
        .filter((f) => f.startsWith('impressions-'))
        .sort(),
    ).toEqual(['impressions-amazon-seed1.csv.gz', 'impressions-temu-seed1.csv.gz', 'impressions-tiktok-seed1.csv.gz'])
    expect(readdirSync(work)).toEqual(['run'])
  })

  for (const algorithm of ['amazon', 'temu', 'tiktok']) {
    it(
      `${algorithm}: every summary metric the log defines equals the run's to 1e-9, ` +
        `and compare accepts both folders`,
      () => {
        const out = join(work, `from-log-${algorithm}`)
        const r = bench([
          'metrics',
          '--log',
          join(run, `impressions-${algorithm}-seed1.csv.gz`),
          '--sellers',
          join(run, 'sellers.csv'),
          '--name',
          algorithm,
          '--out',
          out,
        ])
        expect(r.code, r.stderr).toBe(0)
        const simulated = readCsvRows(join(run, 'summary.csv')).find((row) => row.algorithm === algorithm)!
        const fromLog = readCsvRows(join(out, 'summary.csv'))[0]
        const defined = Object.keys(fromLog).filter(
          (c) => !['algorithm', 'variant', 'scenario', 'seed'].includes(c) && fromLog[c] !== '',
        )
        // Everything but costs, fees, truth and prices a log does not carry. The files hold 8 significant
        // digits (formatNumber), so the bound is 1e-9 plus that rounding.
        expect(defined.length).toBeGreaterThanOrEqual(18)
        for (const column of defined) {
          const a = Number(simulated[column])
          const b = Number(fromLog[column])
          expect(Math.abs(a - b), `${column}: run ${a}, log ${b}`).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(a)) + 1e-7 * Math.abs(a),
          )
        }
        expect(existsSync(join(out, 'report.html'))).toBe(true)
        const compared = bench([
          'compare',
          run,
          out,
          '--baseline',
          algorithm,
          '--metrics',
          defined.join(','),
          '--allow-mismatch',
          '--format',
          'json',
        ])
        expect(compared.code, compared.stderr).toBe(0)
        expect(JSON.parse(compared.stdout).rows.length).toBeGreaterThan(0)
      },
    )
  }
})
