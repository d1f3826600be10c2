import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CHECKS } from '../bench/check/conformance.ts'
import { BUILT_INS } from './helpers/builtins.ts'
import { bench, ROOT, tempDir } from './helpers/cli.ts'

const FIXTURES = join(ROOT, 'test/fixtures/check')
const SMALL_RUN = ['--rounds', '2', '--sessions', '100']

interface Checked {
  code: number | null
  stdout: string
  stderr: string
  /** Per plugin (by name): the checks that passed and failed. */
  plugins: Map<string, { passed: string[]; failed: string[]; text: string }>
}

function check(args: string[] = []): Checked {
  const r = bench(['check', ...args, ...SMALL_RUN])
  const plugins = new Map<string, { passed: string[]; failed: string[]; text: string }>()
  for (const section of r.stdout.split('\n\n')) {
    const name = /^(\S+) \(/.exec(section)?.[1]
    if (!name) continue
    const verdicts = (word: string) =>
      [...section.matchAll(new RegExp(`^ {2}${word} {2}(\\S+)`, 'gm'))].map((m) => m[1])
    plugins.set(name, { passed: verdicts('pass'), failed: verdicts('FAIL'), text: section })
  }
  return { ...r, plugins }
}

describe('bench check', () => {
  it('passes every built-in on every check', () => {
    const r = check()
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect([...r.plugins.keys()]).toEqual(BUILT_INS)
    for (const { passed, failed } of r.plugins.values())
      expect({ passed, failed }).toEqual({ passed: [...CHECKS], failed: [] })
    expect(r.plugins.get('amazon')!.text).toMatch(/rank-time +p50 [\d.]+ µs, p99 [\d.]+ µs over 200 rank\(\) calls/)
    expect(r.stdout).toMatch(/10 plugin\(s\): every check passed/)
  })

  describe('on misbehaving plugins (test/fixtures/check) and an ill-typed one outside the project', () => {
    let r: Checked
    beforeAll(() => {
      // Outside the project, so trafficbench/kit resolves through the check's own mapping.
      const illTyped = join(tempDir('trafficbench-check-'), 'ill-typed.mts')
      const source = readFileSync(join(FIXTURES, 'writes-market.mts'), 'utf8')
      writeFileSync(
        illTyped,
        source
          .replace("name: 'writes-market'", "name: 'ill-typed'")
          .replace('price[slots.products[0]] *= 0.99', "slots.push('x')"),
      )
      r = check([
        ...['math-random', 'mutates-params', 'writes-market', 'hostile', 'hangs', 'exits', 'leaves-timer'].map((f) =>
          join(FIXTURES, `${f}.mts`),
        ),
        illTyped,
        '--timeout',
        '8',
      ])
    })

    it.each([
      ['math-random', ['deterministic', 'no-math-random'], /no-math-random +Math\.random called in rank, round 0/],
      // The engine freezes params and stops a plugin that patches globals, so these runs stop: the slots, determinism
      // and timing checks fail with them.
      [
        'mutates-params',
        ['valid-slots', 'deterministic', 'params-untouched', 'rank-time'],
        /params-untouched +rank, round 0 wrote its params, which are frozen \(.*'seen'/,
      ],
      ['writes-market', ['inputs-untouched'], /inputs-untouched +rank, round 0 wrote market\.products\.price\[\d+\]/],
      [
        'hostile',
        ['valid-slots', 'deterministic', 'globals-untouched', 'rank-time'],
        new RegExp(
          'valid-slots +the run stopped: plugin "hostile", seed 1, before round 0, ' +
            String.raw`globals\(\): replaced Math\.log2[\s\S]*globals-untouched +in create, Math\.log2 was replaced`,
        ),
      ],
      // Each in a thread of its own with a time limit: a hang, process.exit(0) and a stray timer stop nothing else.
      ['hangs', ['time-limit'], /time-limit +no answer within 8 s: a hang\?/],
      ['exits', ['valid-slots', 'deterministic'], /the plugin called process\.exit\(0\)/],
      ['leaves-timer', [], /type-check +no type errors/],
      [
        'ill-typed',
        ['type-check'],
        /ill-typed\.mts:\d+:\d+ Argument of type 'string' is not assignable to parameter of type 'number'/,
      ],
    ])('fails %s on exactly %j, naming what it did', (name, failing, detail) => {
      const { passed, failed, text } = r.plugins.get(name)!
      expect(failed).toEqual(failing)
      if (name !== 'hangs') expect(passed).toHaveLength(CHECKS.length - failing.length)
      expect(text).toMatch(detail)
    })

    it('exits 1 with one line naming each failed check', () => {
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        'bench check: 15 check(s) failed over 8 plugin(s): math-random: deterministic, math-random: no-math-random, ' +
          'mutates-params: valid-slots, mutates-params: deterministic, mutates-params: params-untouched, ' +
          'mutates-params: rank-time, writes-market: inputs-untouched, hostile: valid-slots, hostile: ' +
          'deterministic, hostile: globals-untouched, hostile: rank-time, hangs: time-limit, exits: valid-slots, ' +
          'exits: deterministic, ill-typed: type-check\n',
      )
    })
  })

  it("catches the hostile fixtures' acts on the built-ins and the thread's messages, or contains them", () => {
    const hostile = join(ROOT, 'test/fixtures/hostile')
    const names = ['patches-number', 'patches-postmessage', 'shadows-fill', 'object-then', 'posts-parent']
    const r = check([...names.map((n) => join(hostile, `${n}.mts`)), '--timeout', '60'])
    expect(r.code).toBe(1)
    const failed = (name: string) => r.plugins.get(name)!.failed
    for (const [name, what] of [
      ['patches-number', 'Number.prototype.toPrecision'],
      ['patches-postmessage', 'MessagePort.prototype.postMessage'],
      ['shadows-fill', 'Float64Array.prototype.fill'],
      ['object-then', 'Object.prototype.then'],
    ]) {
      expect(failed(name)).toContain('globals-untouched')
      expect(r.plugins.get(name)!.text).toContain(`at import, changed ${what}`)
    }
    expect(failed('posts-parent')).toEqual(['thread-messages'])
  })

  it('refuses an unknown name with exit 2', () => {
    const r = check(['nosuch'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^bench: check nosuch: neither a file, a service URL nor a built-in algorithm \(aliexpress, amazon/,
    )
  })
})
