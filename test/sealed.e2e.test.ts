import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bench, benchAsync, type Ran, ROOT, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'

/**
 * --sealed: each plugin in a process of its own under Node's permission model. The same seeds give the same bytes
 * as the default mode; what a hostile plugin does in its process reaches neither the engine nor its own numbers.
 */
const work = tempDir('trafficbench-sealed-')
const HOSTILE = join(ROOT, 'test/fixtures/hostile')
const FIXTURES = readdirSync(HOSTILE).filter((f) => f.endsWith('.mts'))
const SMALL = ['run', '--scenario', 'small', '--rounds', '4', '--seeds', '2', '--bench-time', '0', '--quiet']
const FILES = ['summary.csv', 'rounds.csv', 'sellers.csv']

describe('bench run --sealed', () => {
  it("every built-in sealed writes the default mode's bytes", async () => {
    const [open, sealed] = await Promise.all([
      benchAsync([...SMALL, '--out', join(work, 'open')]),
      benchAsync([...SMALL, '--sealed', '--out', join(work, 'sealed')]),
    ])
    expect(open.code, open.stderr).toBe(0)
    expect(sealed.code, sealed.stderr).toBe(0)
    for (const file of FILES)
      expect(readFileSync(join(work, 'sealed', file), 'utf8'), file).toBe(
        readFileSync(join(work, 'open', file), 'utf8'),
      )
    expect(readManifest(join(work, 'sealed')).sealed).toBe(true)
  })

  describe('each hostile plugin sealed, beside relevance', () => {
    const runs = new Map<string, Ran>()
    const out = (name: string) => join(work, `hostile-${name}`)
    beforeAll(async () => {
      for (const f of FIXTURES) {
        const name = f.replace(/\.mts$/, '')
        const args = ['--sealed', '--plugin', join(HOSTILE, f), '--algorithms', `relevance,${name}`]
        runs.set(name, await benchAsync([...SMALL, '--seeds', '1', ...args, '--out', out(name)]))
      }
    })

    it.each(FIXTURES.map((f) => f.replace(/\.mts$/, '')))(
      "%s: its row is relevance's to the last digit (its act changed nothing), or its cell failed",
      (name) => {
        const ran = runs.get(name)!
        expect([0, 1], ran.stderr).toContain(ran.code)
        const rows = readCsvRows(join(out(name), 'summary.csv'))
        const own = rows.find((r) => r.algorithm === name)
        const relevance = rows.find((r) => r.algorithm === 'relevance')!
        if (!own) {
          expect(readCsvRows(join(out(name), 'errors.csv')).map((r) => r.algorithm)).toEqual([name])
          return
        }
        expect({ ...own, algorithm: 'relevance' }).toEqual(relevance)
      },
    )

    it('the probe reads, writes, spawns, starts threads and signals unsealed, at import or later; sealed, none', () => {
      const victim = spawn('sleep', ['60'])
      try {
        const probe = [
          ...['--plugin', join(HOSTILE, 'sealed-probe.mts'), '--algorithms', 'sealed-probe', '--seeds', '1'],
          ...['--param', `sealed-probe.victim=${victim.pid}`],
        ]
        const sealed = bench([...SMALL, ...probe, '--sealed', '--out', join(work, 'probe-sealed')])
        expect(sealed.code, sealed.stderr).toBe(0)
        const open = bench([...SMALL, ...probe, '--out', join(work, 'probe-open')])
        expect(open.code).toBe(1)
        const acts = ['read the generator', 'read /etc/hostname', 'write a file', 'start a process', 'start a thread']
        const reason = readCsvRows(join(work, 'probe-open', 'errors.csv'))[0].reason
        for (const act of acts)
          for (const when of ['at import', 'in create']) expect(reason).toContain(`${act} (${when})`)
        expect(reason).toContain('signal another process (in create)')
      } finally {
        victim.kill()
      }
    })

    it('a sealed plugin that calls process.exit fails its cell at once, named', () => {
      const exits = ['--plugin', join(ROOT, 'test/fixtures/check/exits.mts'), '--algorithms', 'exits', '--seeds', '1']
      const r = bench([...SMALL, ...exits, '--sealed', '--out', join(work, 'exits')])
      expect(r.code).toBe(1)
      expect(readCsvRows(join(work, 'exits', 'errors.csv'))[0].reason).toMatch(/the plugin called process\.exit\(0\)/)
    })
  })

  it('refuses what it cannot seal, in one line', () => {
    const python = bench([
      ...SMALL,
      '--sealed',
      '--plugin',
      join(ROOT, 'examples/python/relevance.py'),
      '--algorithms',
      'relevance-py',
      '--out',
      join(work, 'python'),
    ])
    expect(python.code).toBe(2)
    expect(python.stderr).toMatch(/--sealed: relevance-py .* runs in a process or service of its own already/)
    const rules = bench([
      ...SMALL,
      '--sealed',
      '--algorithms',
      'relevance',
      '--same-rules',
      'amazon',
      '--out',
      join(work, 'r'),
    ])
    expect(rules.code).toBe(2)
    expect(rules.stderr).toMatch(/--sealed with --same-rules is not supported yet/)
  })
})
