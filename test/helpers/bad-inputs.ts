import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, it } from 'vitest'
import { benchAsync, ROOT, readCsvRows, tempDir } from './cli.ts'

/**
 * Bad inputs, table-driven: each runs the real CLI from a scratch copy of the kit, in a scratch
 * working directory, and must exit with the expected code and exactly one clear line on stderr (no
 * stack trace), losing and half-writing nothing: its own folder is byte-identical afterwards, the
 * sentinel files of the working directory, its parent and the kit survive, no results folder, lock
 * or .partial-/.old- folder is left. A plugin fault is the exception: it fails its own cells, whose
 * results folder is written with errors.csv naming them (and DIR.cells kept for a rerun).
 * The tables are in test/bad-inputs-*.e2e.test.ts, by theme; each file gets its own scratch kit.
 */
const SCRATCH = tempDir('trafficbench-bad-')
export const KIT = join(SCRATCH, 'kit')
export const HOME = join(SCRATCH, 'home')
const CWD = join(HOME, 'work')
const KIT_INDEX = join(KIT, 'algorithms/kit/index.ts')
const FAST = ['--scenario', 'small', '--rounds', '2', '--sessions', '50', '--bench-time', '0']
const SENTINELS = [join(HOME, 'sentinel.txt'), join(CWD, 'sentinel.txt'), join(KIT, 'package.json')]

export interface Case {
  name: string
  /** The command line; `dir` is the case's own scratch folder. */
  args: (dir: string) => string[]
  setup?: (dir: string) => void
  code: 1 | 2
  message: RegExp
  /** A plugin fault fails its cells only: the results folder is written, with these cells in errors.csv. */
  failedCells?: string[]
}

export const write = (dir: string, files: Record<string, string | Uint8Array>) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}
/** `bench run` on the fast small market, results into the case folder's `out` (which must never appear). */
export const run =
  (...args: string[]) =>
  (dir: string) => ['run', ...FAST, ...args, '--out', join(dir, 'out')]
export const plugin = (body: string) => (dir: string) =>
  write(dir, { 'p.mts': `import { z, definePlugin } from '${KIT_INDEX}'\n${body}\n` })
export const withPlugin =
  (...args: string[]) =>
  (dir: string) =>
    run('--plugin', join(dir, 'p.mts'), ...args)(dir)
export const catalog = (sellers: string | Uint8Array, products: string | Uint8Array) => (dir: string) =>
  write(dir, { 'cat/sellers.csv': sellers, 'cat/products.csv': products })
export const withCatalog = (dir: string) => run('--catalog', join(dir, 'cat'), '--algorithms', 'relevance')(dir)
export const scenario = (json: string) => (dir: string) => write(dir, { 's.json': json })
export const withScenario = (dir: string) => ['run', '--scenario', join(dir, 's.json'), '--out', join(dir, 'out')]
export const SUMMARY =
  'algorithm,variant,scenario,seed,gini_exposure\r\nrelevance,,small,1,0.5\r\nrelevance,,small,2,0.6\r\n'
export const summary =
  (text = SUMMARY) =>
  (dir: string) =>
    write(dir, { 'summary.csv': text })
export const compare =
  (...args: string[]) =>
  (dir: string) => ['compare', join(dir, 'summary.csv'), join(dir, 'summary.csv'), ...args]
export const MANIFEST = JSON.stringify({
  command: 'bench run',
  versions: { trafficbench: '0.1.0' },
  timing: { startedAt: '2026-01-01T00:00:00.000Z' },
})
export const out =
  (target: string | ((dir: string) => string), command = 'run') =>
  (dir: string) => [
    command,
    ...(command === 'run' ? FAST : []),
    '--out',
    typeof target === 'string' ? target : target(dir),
  ]

/** Every file under `dir` with its bytes (links as their target): what must not change. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  if (!existsSync(dir)) return files
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]) {
    const path = join(dir, entry)
    files[entry] = statSync(path).isDirectory() ? '<dir>' : readFileSync(path, 'base64')
  }
  return files
}

/**
 * The cases of one theme, run side by side, each checked as the file comment above says; `atLeast` guards the table
 * against losing cases.
 */
export function describeBadInputs(theme: string, cases: Case[], atLeast: number): void {
  beforeAll(() => {
    mkdirSync(CWD, { recursive: true })
    for (const part of ['algorithms', 'bench', 'core', 'datasets', 'seeds', 'bin', 'package.json'])
      cpSync(join(ROOT, part), join(KIT, part), { recursive: true })
    symlinkSync(join(ROOT, 'node_modules'), join(KIT, 'node_modules'))
    for (const file of SENTINELS.slice(0, 2)) writeFileSync(file, 'keep me')
  })

  describe.concurrent(`bad ${theme}: the expected exit code, one clear line, nothing lost or half-written`, () => {
    it(`has at least ${atLeast} cases, each named once`, ({ expect }) => {
      expect(cases.length).toBeGreaterThanOrEqual(atLeast)
      expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length)
    })
    cases.forEach((c, i) => {
      it(c.name, async ({ expect }) => {
        const dir = join(SCRATCH, 'cases', String(i))
        mkdirSync(dir, { recursive: true })
        c.setup?.(dir)
        const before = snapshot(dir)
        const sentinels = SENTINELS.map((f) => readFileSync(f, 'utf8'))
        const r = await benchAsync(c.args(dir), { kit: KIT, cwd: CWD })
        expect(r.stderr).toMatch(c.message)
        expect(r.code, r.stderr).toBe(c.code)
        const lines = r.stderr.trimEnd().split('\n')
        expect(lines, r.stderr).toHaveLength(1)
        expect(lines[0]).toMatch(/^bench: /)
        expect(r.stderr).not.toMatch(/^\s+at |node:internal|\.ts:\d+:\d+/m)
        const written = Object.fromEntries(
          Object.entries(snapshot(dir)).filter(([path]) => !c.failedCells || !/^out(\.cells)?([/\\]|$)/.test(path)),
        )
        expect(written).toEqual(before)
        if (c.failedCells) expect(readCsvRows(join(dir, 'out/errors.csv')).map((r) => r.cell)).toEqual(c.failedCells)
        expect(SENTINELS.map((f) => readFileSync(f, 'utf8'))).toEqual(sentinels)
        expect(readdirSync(HOME).sort()).toEqual(['sentinel.txt', 'work'])
        expect(readdirSync(CWD)).toEqual(['sentinel.txt'])
      })
    })
  })
}
