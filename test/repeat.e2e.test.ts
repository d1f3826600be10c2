import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { THROUGHPUT_COLUMNS } from '../bench/metrics/definitions.ts'
import { bench, type Ran, readCsvHeader, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-repeat-')
/** Two algorithms × two seeds on a small market: four cells. */
const PLAN = [
  'run',
  '--scenario',
  'small',
  '--rounds',
  '3',
  '--sessions',
  '200',
  '--seeds',
  '2',
  '--algorithms',
  'relevance,amazon',
  '--bench-time',
  '10',
  '--quiet',
]
const RESULT_FILES = ['summary.csv', 'rounds.csv', 'sellers.csv']

describe('bench run --repeat N', () => {
  const once = join(work, 'once')
  const thrice = join(work, 'thrice')
  let run: Ran
  beforeAll(() => {
    bench([...PLAN, '--out', once])
    run = bench([...PLAN, '--repeat', '3', '--out', thrice])
  })

  it('measures every cell three times: throughput.csv has repeat 1, 2, 3 per cell, in plan order', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(readCsvHeader(join(thrice, 'throughput.csv'))).toBe(THROUGHPUT_COLUMNS.join(','))
    expect(THROUGHPUT_COLUMNS.slice(0, 5)).toEqual(['algorithm', 'variant', 'scenario', 'seed', 'repeat'])
    const rows = readCsvRows(join(thrice, 'throughput.csv'))
    expect(rows.map((r) => `${r.algorithm}/${r.seed}/${r.repeat}`)).toEqual(
      ['1', '2'].flatMap((seed) =>
        ['relevance', 'amazon'].flatMap((a) => ['1', '2', '3'].map((k) => `${a}/${seed}/${k}`)),
      ),
    )
    for (const r of rows) {
      expect(Number(r.sessions_per_sec)).toBeGreaterThan(0)
      expect(Number(r.rank_ops_per_sec)).toBeGreaterThan(0)
      expect(Number(r.peak_memory_mb)).toBeGreaterThan(0)
    }
    expect(readCsvRows(join(once, 'throughput.csv')).map((r) => r.repeat)).toEqual(['1', '1', '1', '1'])
  })

  it('leaves the result files byte for byte as --repeat 1 writes them, and the cells their hashes', () => {
    for (const f of RESULT_FILES)
      expect([f, readFileSync(join(thrice, f), 'utf8')]).toEqual([f, readFileSync(join(once, f), 'utf8')])
    expect(readManifest(thrice).plan.hash).toBe(readManifest(once).plan.hash)
    expect(readManifest(thrice).repeat).toBe(3)
  })

  it('two runs of the identical configuration: timing only ever within noise, or not enough samples', () => {
    const again = join(work, 'again')
    expect(bench([...PLAN, '--repeat', '3', '--out', again]).code).toBe(0)
    const timing = THROUGHPUT_COLUMNS.slice(5)
    const verdicts = (a: string, b: string) => {
      const r = bench(['compare', a, b, '--metrics', timing.join(','), '--format', 'csv'])
      expect(r.code, r.stderr).toBe(0)
      return parse(r.stdout, { columns: true }) as Record<string, string>[]
    }
    const repeated = verdicts(thrice, again)
    expect(repeated).toHaveLength(2 * timing.length)
    for (const row of repeated) {
      expect(row.verdict, `${row.candidate_algorithm} ${row.metric}`).toBe('within noise')
      expect(row.test).toBe('Welch t')
      expect(Number(row.noise_floor)).toBeGreaterThanOrEqual(0.1)
    }
    // One measurement a side: no verdict at all, whatever the numbers.
    for (const row of verdicts(once, thrice)) expect(row.verdict).toBe('not enough timing samples')
  })

  it.each(['0', '101', '1.5', 'x'])('refuses --repeat %s in one line, exit 2', (n) => {
    const r = bench([...PLAN, '--repeat', n, '--out', join(work, `bad-${n}`)])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^bench: option '--repeat <n>' argument '.*' is invalid\. expected a whole number from 1 to 100/,
    )
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
