import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/bench.js')
const work = mkdtempSync(join(tmpdir(), 'trafficbench-observe-'))
const HOSTILE = 'test/fixtures/plugins/hostile.ts'
/** sha256 of the unchanged plugins' sellers.csv rows in the earlier engine's run that wrote test/fixtures/noise-zero. */
const SELLERS_DIGEST = '83a57bcbf69b60daf8c62aac0f540497f7fb265f162d5db957bbd1152916fbaa'

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
/** The file's data lines of the given algorithm (CSV rows start with the algorithm's name). */
const rowsOf = (file: string, algorithm: string) => readFileSync(file, 'utf8').split('\r\n').filter((line) => line.startsWith(`${algorithm},`))
const tiny = ['--scenario', 'small', '--rounds', '3', '--sessions', '300', '--bench-time', '0', '--quiet']

describe('a hostile plugin cannot touch the market (the real CLI)', () => {
  it('writing prices and relevance changes nothing, not even its own results; relevance and amazon are byte-identical', () => {
    const without = join(work, 'without')
    const withHostile = join(work, 'with')
    expect(bench('run', ...tiny, '--algorithms', 'relevance,amazon', '--out', without).code).toBe(0)
    const r = bench('run', ...tiny, '--plugin', HOSTILE, '--algorithms', 'relevance,hostile,amazon', '--param', 'hostile.patchMath=false', '--sweep', 'hostile.write=true,false', '--out', withHostile)
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
  })

  it('patching Math.log2 in create() stops the run, naming the plugin, the global and its file', () => {
    const r = bench('run', ...tiny, '--plugin', HOSTILE, '--algorithms', 'relevance,amazon,hostile', '--out', join(work, 'patched'))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/plugin "hostile", seed 1, before round 0, globals\(\) at test\/fixtures\/plugins\/hostile\.ts: replaced Math\.log2/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('bench list marks the oracle as reading the hidden truth, and only it', () => {
    const lines = bench('list').stdout.split('\n').filter((l) => l.includes('[oracle: reads the hidden truth]'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\s+oracle /)
  })
})

describe('relevance noise 0 reproduces the engine before plugins saw an estimate', () => {
  it('the rows of every plugin whose rule did not change are byte-identical to the earlier engine\'s (test/fixtures/noise-zero)', () => {
    const scenario = join(work, 'small-noise-0.json')
    writeFileSync(scenario, JSON.stringify({ extends: 'small', name: 'small', market: { retrieval: { relevanceNoise: 0 } } }))
    const out = join(work, 'noise-0')
    const unchanged = ['aliexpress', 'amazon', 'amazon-haul', 'random', 'relevance', 'temu']
    const r = bench('run', '--scenario', scenario, '--seeds', '2', '--rounds', '3', '--sessions', '300', '--bench-time', '0', '--quiet', '--algorithms', unchanged.join(','), '--out', out)
    expect(r.code).toBe(0)
    const fixture = join(ROOT, 'test/fixtures/noise-zero')
    for (const algorithm of unchanged) {
      expect(rowsOf(join(out, 'summary.csv'), algorithm)).toEqual(rowsOf(join(fixture, 'summary.csv'), algorithm))
      // rounds.csv has gained ndcg_at_10 as its last column since the fixture was written.
      expect(rowsOf(join(out, 'rounds.csv'), algorithm).map((l) => l.slice(0, l.lastIndexOf(',')))).toEqual(rowsOf(join(fixture, 'rounds.csv'), algorithm))
    }
    // sellers.csv of the fixture's run (all eight built-ins then), by digest of the unchanged plugins' rows.
    const digest = createHash('sha256').update(unchanged.flatMap((a) => rowsOf(join(out, 'sellers.csv'), a)).join('\n')).digest('hex')
    expect(digest).toBe(SELLERS_DIGEST)
  })
})
