import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-observe-')
const HOSTILE = 'test/fixtures/plugins/hostile.ts'

/** The file's data lines of the given algorithm (CSV rows start with the algorithm's name). */
const rowsOf = (file: string, algorithm: string) =>
  readFileSync(file, 'utf8')
    .split('\r\n')
    .filter((line) => line.startsWith(`${algorithm},`))
const tiny = ['--scenario', 'small', '--rounds', '3', '--sessions', '300', '--bench-time', '0', '--quiet']

describe('a hostile plugin cannot touch the market (the real CLI)', () => {
  it(
    'writing prices and relevance changes nothing, not even its own results; ' +
      'relevance and amazon are byte-identical',
    () => {
      const without = join(work, 'without')
      const withHostile = join(work, 'with')
      expect(bench(['run', ...tiny, '--algorithms', 'relevance,amazon', '--out', without]).code).toBe(0)
      const r = bench([
        'run',
        ...tiny,
        '--plugin',
        HOSTILE,
        '--algorithms',
        'relevance,hostile,amazon',
        '--param',
        'hostile.patchMath=false',
        '--sweep',
        'hostile.write=true,false',
        '--out',
        withHostile,
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      for (const file of ['summary.csv', 'rounds.csv', 'sellers.csv'])
        for (const algorithm of ['relevance', 'amazon']) {
          expect(rowsOf(join(withHostile, file), algorithm).length).toBeGreaterThan(0)
          expect(rowsOf(join(withHostile, file), algorithm)).toEqual(rowsOf(join(without, file), algorithm))
        }
      // Its writes gain it nothing: with and without them its rows are the same but for the variant.
      for (const file of ['summary.csv', 'rounds.csv', 'sellers.csv']) {
        const rows = rowsOf(join(withHostile, file), 'hostile')
        const wrote = rows.filter((l) => l.startsWith('hostile,write=true,')).map((l) => l.replace('write=true', ''))
        const clean = rows.filter((l) => l.startsWith('hostile,write=false,')).map((l) => l.replace('write=false', ''))
        expect(wrote.length).toBeGreaterThan(0)
        expect(wrote).toEqual(clean)
      }
    },
  )

  it('patching Math.log2 in create() stops the run, naming the plugin, the global and its file', () => {
    const r = bench([
      'run',
      ...tiny,
      '--plugin',
      HOSTILE,
      '--algorithms',
      'relevance,amazon,hostile',
      '--out',
      join(work, 'patched'),
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`plugin "hostile", seed 1, before round 0, globals\(\) at test\/fixtures\/plugins\/hostile\.ts: ` +
          String.raw`replaced Math\.log2`,
      ),
    )
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('bench list marks the oracle as reading the hidden truth, and only it', () => {
    const lines = bench(['list'])
      .stdout.split('\n')
      .filter((l) => l.includes('[oracle: reads the hidden truth]'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\s+oracle /)
  })
})

describe('relevance noise 0 hands plugins the truth', () => {
  it(
    'relevance on the estimate writes the same rows as its twin on the hidden truth at noise 0, ' +
      'and different ones at the default noise',
    () => {
      const twin = 'test/fixtures/plugins/true-relevance.ts'
      const rowsAs = (dir: string, file: string, algorithm: string) =>
        rowsOf(join(dir, file), algorithm).map((l) => l.slice(algorithm.length))
      const run = (noise: number) => {
        const scenario = join(work, `small-noise-${noise}.json`)
        writeFileSync(
          scenario,
          JSON.stringify({ extends: 'small', name: 'small', market: { retrieval: { relevanceNoise: noise } } }),
        )
        const out = join(work, `noise-${noise}`)
        const r = bench([
          'run',
          '--scenario',
          scenario,
          '--seeds',
          '2',
          '--rounds',
          '3',
          '--sessions',
          '300',
          '--bench-time',
          '0',
          '--quiet',
          '--plugin',
          twin,
          '--algorithms',
          'relevance,true-relevance',
          '--out',
          out,
        ])
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        return out
      }
      const exact = run(0)
      for (const file of ['summary.csv', 'rounds.csv', 'sellers.csv']) {
        expect(rowsAs(exact, file, 'relevance').length).toBeGreaterThan(0)
        expect(rowsAs(exact, file, 'relevance')).toEqual(rowsAs(exact, file, 'true-relevance'))
      }
      const noisy = run(0.1)
      expect(rowsAs(noisy, 'summary.csv', 'relevance')).not.toEqual(rowsAs(noisy, 'summary.csv', 'true-relevance'))
    },
  )
})
