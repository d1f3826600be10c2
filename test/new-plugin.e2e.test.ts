import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bench, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

/** A plugin written by hand outside the project: it imports the kit by package name, types included. */
const OUTSIDE_PLUGIN = `import {
  definePlugin,
  growInt32,
  topK,
  z,
  type Rng,
  type Session,
  type Slots,
} from 'trafficbench/kit'

export default definePlugin({
  name: 'outside',
  summary: 'the k most relevant, ties broken by a seeded draw',
  claims: [],
  params: z.object({ jitter: z.number().min(0).default(0.001) }),
  create({ rng, params }) {
    const draw: Rng = rng
    let order = new Int32Array(64)
    let score = new Float64Array(1024)
    return {
      rank(session: Session, slots: Slots) {
        if (score.length < session.n) score = new Float64Array(session.n * 2)
        for (let i = 0; i < session.n; i++) score[i] = session.relevance[i] + params.jitter * draw()
        order = growInt32(order, session.k)
        const got = topK(score, session.n, session.k, order)
        for (let i = 0; i < got; i++) slots.push(session.candidates[order[i]])
      },
    }
  },
})
`

describe('plugins outside the project, by package name, and bench new-plugin', () => {
  // No node_modules here: trafficbench/kit must resolve through the CLI's own resolve hook.
  const outside = tempDir('trafficbench-outside-')
  const outsideFile = join(outside, 'outside.mts')
  let created: ReturnType<typeof bench>
  beforeAll(() => {
    writeFileSync(outsideFile, OUTSIDE_PLUGIN)
    created = bench(['new-plugin', 'sales-nudge'], { cwd: outside })
  })

  it('new-plugin writes a plugin and its test (.mts outside an ES-module package) and says what to run next', () => {
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(
      /^Wrote sales-nudge\.mts and sales-nudge\.test\.mts\. Next:\n {2}bench check sales-nudge\.mts/,
    )
    expect(readFileSync(join(outside, 'sales-nudge.mts'), 'utf8')).toMatch(/name: 'sales-nudge'/)
    expect(readFileSync(join(outside, 'sales-nudge.test.mts'), 'utf8')).toMatch(
      /import plugin from '\.\/sales-nudge\.mts'/,
    )
  })

  it(
    "the README's example, a hand-written and a generated plugin " + 'run with bench run --plugin and pass bench check',
    () => {
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
      writeFileSync(join(outside, 'cheapest.mts'), /```ts\n(\/\/ cheapest\.mts[\s\S]*?)```/.exec(readme)![1])
      const out = join(outside, 'results')
      const run = bench(
        [
          'run',
          '--plugin',
          outsideFile,
          '--plugin',
          'sales-nudge.mts',
          '--plugin',
          'cheapest.mts',
          '--algorithms',
          'outside,sales-nudge,cheapest',
          '--scenario',
          'small',
          '--rounds',
          '2',
          '--sessions',
          '100',
          '--bench-time',
          '0',
          '--quiet',
          '--out',
          out,
        ],
        { cwd: outside },
      )
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const rows = readCsvRows(join(out, 'summary.csv'))
      expect(rows.map((r) => r.algorithm)).toEqual(['outside', 'sales-nudge', 'cheapest'])
      expect(rows.every((r) => Number(r.conversion_rate) > 0)).toBe(true)
      const check = bench(
        ['check', outsideFile, 'sales-nudge.mts', 'cheapest.mts', '--rounds', '2', '--sessions', '100'],
        { cwd: outside },
      )
      expect(check.stderr).toBe('')
      expect(check.code).toBe(0)
      expect(check.stdout).not.toMatch(/FAIL/)
      expect(check.stdout).toMatch(/3 plugin\(s\): every check passed/)
    },
  )

  it(
    'the generated test passes under vitest where trafficbench and vitest are installed ' +
      '(here: linked, as npm install of a path does)',
    () => {
      const project = tempDir('trafficbench-project-')
      mkdirSync(join(project, 'node_modules'))
      symlinkSync(ROOT, join(project, 'node_modules/trafficbench'))
      symlinkSync(join(ROOT, 'node_modules/vitest'), join(project, 'node_modules/vitest'))
      expect(bench(['new-plugin', 'nudge'], { cwd: project }).code).toBe(0)
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      })
      expect(r.stdout + r.stderr).toMatch(/Tests {2}3 passed \(3\)/)
      expect(r.status).toBe(0)
    },
  )

  it('refuses to overwrite, and refuses a bad name or folder, with exit 2 and nothing written', () => {
    const before = readFileSync(join(outside, 'sales-nudge.mts'), 'utf8')
    const again = bench(['new-plugin', 'sales-nudge'], { cwd: outside })
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(
      /^bench: new-plugin sales-nudge: .*sales-nudge\.mts already exists; nothing was written\n$/,
    )
    expect(readFileSync(join(outside, 'sales-nudge.mts'), 'utf8')).toBe(before)
    const bad = bench(['new-plugin', 'Sales_Nudge'], { cwd: outside })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^bench: new-plugin Sales_Nudge: a plugin name is lower-case letters, digits and dashes/)
    expect(existsSync(join(outside, 'Sales_Nudge.mts'))).toBe(false)
    expect(bench(['new-plugin', 'x', '--dir', join(outside, 'nope')], { cwd: outside }).stderr).toMatch(
      /^bench: new-plugin --dir .*nope: no such folder/,
    )
  })

  it('writes .ts inside an ES-module package', () => {
    const pkg = tempDir('trafficbench-esm-')
    writeFileSync(join(pkg, 'package.json'), '{"type": "module"}')
    mkdirSync(join(pkg, 'plugins'))
    expect(bench(['new-plugin', 'esm-one', '--dir', 'plugins'], { cwd: pkg }).code).toBe(0)
    expect(existsSync(join(pkg, 'plugins/esm-one.ts')) && existsSync(join(pkg, 'plugins/esm-one.test.ts'))).toBe(true)
  })
})

it('run --help and the README agree on the plugin file extensions', () => {
  const help = bench(['run', '--help']).stdout.replace(/\s+/g, ' ')
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')
  expect(help).toContain('.mts/.mjs anywhere, .ts/.js inside an ES-module package')
  expect(readme).toContain('**`.mts` or `.mjs` anywhere, `.ts` or `.js` only inside an ES-module package**')
})
