import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bench, benchAsync, type Ran, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

/**
 * The default mode's guarantee (README, threat model): whatever a plugin does — at import, in
 * create(), in rank() — it never changes another plugin's rows and never stops the run. Each
 * hostile fixture runs beside relevance; relevance's rows must be byte for byte a clean run's.
 */
const HOSTILE = join(ROOT, 'test/fixtures/hostile')
const FIXTURES = readdirSync(HOSTILE)
  .filter((f) => f.endsWith('.mts'))
  .sort()
const NAMES = FIXTURES.map((f) => f.replace(/\.mts$/, ''))
const RUN = ['run', '--scenario', 'small', '--rounds', '3', '--sessions', '200', '--seeds', '2', '--bench-time', '0']
const FILES = ['summary.csv', 'rounds.csv', 'sellers.csv']
const work = tempDir('trafficbench-hostile-')

/** The lines of a result file that belong to one algorithm. */
const linesOf = (dir: string, file: string, algorithm: string) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\r\n')
    .filter((l) => l.startsWith(`${algorithm},`))

describe('each hostile plugin in a run with relevance', () => {
  const clean = join(work, 'clean')
  const runs = new Map<string, Ran>()
  const out = (name: string) => join(work, name)
  beforeAll(async () => {
    expect(bench([...RUN, '--algorithms', 'relevance', '--quiet', '--out', clean]).code).toBe(0)
    for (const [i, name] of NAMES.entries()) {
      const plugin = ['--plugin', join(HOSTILE, FIXTURES[i]), '--algorithms', `relevance,${name}`]
      runs.set(name, await benchAsync([...RUN, ...plugin, '--quiet', '--out', out(name)]))
    }
  })

  it.each(NAMES)('%s: the run completes, relevance written byte for byte as a clean run writes it', (name) => {
    const ran = runs.get(name)!
    expect([0, 1], ran.stderr).toContain(ran.code)
    const written = new Set(readCsvRows(join(out(name), 'summary.csv')).map((r) => `${r.algorithm}/${r.seed}`))
    const failed =
      ran.code === 1 ? readCsvRows(join(out(name), 'errors.csv')).map((r) => `${r.algorithm}/${r.seed}`) : []
    for (const algorithm of ['relevance', name])
      for (const seed of ['1', '2'])
        expect(written.has(`${algorithm}/${seed}`) || failed.includes(`${algorithm}/${seed}`)).toBe(true)
    for (const file of FILES) {
      expect(linesOf(out(name), file, 'relevance'), file).toEqual(linesOf(clean, file, 'relevance'))
      expect(linesOf(clean, file, 'relevance').length).toBeGreaterThan(0)
    }
  })

  it.each([
    ['slots-getter', /Cannot redefine property: count/],
    ['reads-truth', /products\.quality is not an observable column/],
    ['posts-parent', /posted a message on its thread's parentPort/],
    ['forges-math', /replaced Math\.log; a plugin may not change the globals/],
  ])('%s is stopped, its cells named in errors.csv', (name, reason) => {
    const errors = readCsvRows(join(out(name), 'errors.csv')).filter((r) => r.algorithm === name)
    expect(errors.map((r) => r.seed)).toEqual(['1', '2'])
    for (const e of errors) expect(e.reason).toMatch(reason)
  })
})

describe('a plugin that calls Math.random', () => {
  it('runs, and the run warns that its rows will not be reproduced', () => {
    const plugin = join(ROOT, 'test/fixtures/check/math-random.mts')
    const r = bench([
      ...RUN,
      '--plugin',
      plugin,
      '--algorithms',
      'math-random',
      '--quiet',
      '--out',
      join(work, 'random'),
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^bench: warning: small/math-random/seed1: the plugin called Math\.random [\d,]+ times; ` +
          'its rows will not be the same in another run',
        'm',
      ),
    )
  })
})
