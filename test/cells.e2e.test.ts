import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cellDigests, writtenKey } from '../bench/runner/folder/cell-digest.ts'
import { bench, benchProcess, exited, ROOT, readCsvRows, readManifest, tempDir, until } from './helpers/cli.ts'

const work = tempDir('trafficbench-cells-')
const FAULTY = join(ROOT, 'test/fixtures/faulty.ts')
/** Three plugins × three seeds on a small market: nine cells. */
const PLAN = [
  'run',
  '--scenario',
  'small',
  '--rounds',
  '4',
  '--sessions',
  '400',
  '--seeds',
  '3',
  '--algorithms',
  'relevance,amazon,temu',
  '--bench-time',
  '0',
  '--quiet',
]
const CELL_FILES = ['summary.csv', 'rounds.csv', 'sellers.csv']

const bytes = (dir: string) => Object.fromEntries(CELL_FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]))

describe('a run is a plan of independent cells', () => {
  const whole = join(work, 'whole')
  const wholeRun = () => bench([...PLAN, '--workers', '1', '--out', whole])

  it(
    'lists every cell with its configuration hash in manifest.json, ' +
      'and the files do not depend on the number of workers',
    () => {
      const r = wholeRun()
      expect(r.code, r.stderr).toBe(0)
      const cells = readManifest(whole).plan.cells
      expect(cells).toHaveLength(9)
      expect(cells[0]).toMatchObject({
        index: 0,
        id: 'small/relevance/seed1',
        status: 'done',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      expect(cells.map((c: { id: string }) => c.id).slice(0, 4)).toEqual([
        'small/relevance/seed1',
        'small/amazon/seed1',
        'small/temu/seed1',
        'small/relevance/seed2',
      ])
      const two = join(work, 'two-workers')
      expect(bench([...PLAN, '--workers', '2', '--out', two]).code).toBe(0)
      expect(bytes(two)).toEqual(bytes(whole))
      expect(existsSync(`${whole}.cells`)).toBe(false) // the finished run leaves no store behind
    },
  )

  it(
    'shards 0/3, 1/3 and 2/3 (the last through Slurm variables and --shard auto) ' + 'merge into the unsharded bytes',
    () => {
      const shards = [0, 1].map((i) => join(work, `shard-${i}`))
      for (const [i, dir] of shards.entries()) {
        const r = bench([...PLAN, '--shard', `${i}/3`, '--out', dir])
        expect(r.code, r.stderr).toBe(0)
      }
      const slurm = join(work, 'shard-slurm')
      const auto = bench([...PLAN, '--shard', 'auto', '--out', slurm], {
        env: { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' },
      })
      expect(auto.code).toBe(0)
      expect(auto.stdout).toMatch(/, shard 2\/3: 3 of 9 cells/)
      expect(readManifest(slurm).shard).toEqual({ index: 2, count: 3 })
      const counts = [...shards, slurm].map((dir) => readCsvRows(join(dir, 'summary.csv')).length)
      expect(counts).toEqual([3, 3, 3])
      const merged = join(work, 'merged')
      const r = bench(['merge', ...shards, slurm, '--out', merged])
      expect(r.stderr).toBe('')
      expect(bytes(merged)).toEqual(bytes(whole))
      expect(readManifest(merged).plan.hash).toBe(readManifest(whole).plan.hash)
      // Missing shards are listed; a folder of another plan is refused.
      const partial = bench(['merge', ...shards, '--out', join(work, 'partial')])
      expect(partial.code).toBe(2)
      expect(partial.stderr).toMatch(/^bench: merge: 3 of 9 cells are in none of the folders: small\/\w+\/seed\d/)
      const other = join(work, 'other')
      bench([
        'run',
        '--scenario',
        'small',
        '--rounds',
        '2',
        '--sessions',
        '50',
        '--algorithms',
        'relevance',
        '--bench-time',
        '0',
        '--quiet',
        '--out',
        other,
      ])
      expect(bench(['merge', shards[0], other, '--out', join(work, 'mixed')]).stderr).toMatch(
        /holds cells of another run than/,
      )
      expect(existsSync(join(work, 'partial')) || existsSync(join(work, 'mixed'))).toBe(false)
      // Rows edited after the run are refused, naming the folder; so are two different copies of one cell, even when
      // the copy's manifest was edited to match it; argument order never decides.
      const edited = join(work, 'shard-edited')
      cpSync(shards[0], edited, { recursive: true })
      const summary = join(edited, 'summary.csv')
      const [header, first, ...rest] = readFileSync(summary, 'utf8').split('\r\n')
      const cells = header.split(',')
      const gmv = cells.indexOf('gmv')
      const row = first.split(',')
      row[gmv] = String(Number(row[gmv]) * 2)
      writeFileSync(summary, [header, row.join(','), ...rest].join('\r\n'))
      const tampered = bench(['merge', edited, shards[1], slurm, '--out', join(work, 'tampered')])
      expect(tampered.code).toBe(2)
      expect(tampered.stderr).toMatch(/shard-edited holds rows of \S+ that differ from the digest its manifest\.json/)
      const manifest = readManifest(edited)
      const files = Object.fromEntries(
        ['summary.csv', 'rounds.csv', 'sellers.csv'].map((f) => [f, readFileSync(join(edited, f), 'utf8')]),
      )
      const digests = cellDigests(files, manifest.plan.cells)
      for (const cell of manifest.plan.cells) if (cell.status === 'done') cell.digest = digests.get(writtenKey(cell))
      writeFileSync(join(edited, 'manifest.json'), JSON.stringify(manifest))
      for (const order of [
        [shards[0], edited],
        [edited, shards[0]],
      ]) {
        const twice = bench(['merge', ...order, shards[1], slurm, '--out', join(work, 'twice')])
        expect(twice.code).toBe(2)
        expect(twice.stderr).toMatch(/hold different rows for \S+ of the same plan/)
      }
    },
  )

  it('after kill -9 the same command runs only the unfinished cells and writes the same bytes', async () => {
    const out = join(work, 'killed')
    const child = benchProcess([...PLAN, '--workers', '1', '--out', out])
    const store = `${out}.cells`
    const cellsSaved = () =>
      existsSync(store) ? readdirSync(store).filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).length : 0
    await until(() => cellsSaved() >= 3, 20)
    child.kill('SIGKILL')
    await exited(child)
    const saved = cellsSaved()
    expect(saved).toBeGreaterThanOrEqual(3)
    expect(saved).toBeLessThan(9)
    const again = bench([...PLAN, '--workers', '1', '--out', out])
    expect(again.code, again.stderr).toBe(0)
    expect(bytes(out)).toEqual(bytes(whole))
    // Another configuration on the interrupted folder is refused unless asked to start over.
    const child2 = benchProcess([...PLAN, '--workers', '1', '--out', out])
    await until(() => cellsSaved() >= 1, 20)
    child2.kill('SIGKILL')
    await exited(child2)
    const changed = bench([...PLAN.map((a) => (a === '400' ? '300' : a)), '--out', out])
    expect(changed.code).toBe(2)
    expect(changed.stderr).toMatch(/an unfinished run of a different configuration is there .*add --restart/)
    expect(bench([...PLAN.map((a) => (a === '400' ? '300' : a)), '--restart', '--out', out]).code).toBe(0)
  }, 300_000)
})

describe('a faulty plugin fails its own cells only', () => {
  const run = (name: string, extra: string[] = []) => {
    const out = join(work, `faulty-${name}`)
    const r = bench([
      'run',
      '--scenario',
      'small',
      '--rounds',
      '4',
      '--sessions',
      '200',
      '--algorithms',
      'relevance,faulty',
      '--plugin',
      FAULTY,
      '--param',
      `faulty.fault=${name}`,
      '--bench-time',
      '0',
      '--quiet',
      '--out',
      out,
      ...extra,
    ])
    return {
      ...r,
      out,
      errors: existsSync(join(out, 'errors.csv')) ? readCsvRows(join(out, 'errors.csv')) : [],
    }
  }
  const relevanceOnly = join(work, 'relevance-only')

  it.each([
    ['hang', ['--cell-timeout', '20'], /exceeded the cell time limit of 20 s/],
    ['exit', [], /the plugin called process\.exit\(0\)/],
    ['throws', [], /RangeError: faulty on purpose/],
    ['oom', ['--cell-memory', '200'], /ran out of memory/],
    ['buffers', ['--cell-memory', '200'], /ran out of memory: the cell holds \d+ MB \(heap and ArrayBuffers\)/],
  ])(
    '%s: exit 1 naming the cell, errors.csv says why and in which round, relevance written',
    (name, extra, reason) => {
      const r = run(name, extra as string[])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/1 of 2 cells failed.*small\/faulty\/seed1 \(round 2: /)
      expect(r.errors).toEqual([
        expect.objectContaining({ algorithm: 'faulty', seed: '1', round: '2', reason: expect.stringMatching(reason) }),
      ])
      if (!existsSync(relevanceOnly))
        bench([
          'run',
          '--scenario',
          'small',
          '--rounds',
          '4',
          '--sessions',
          '200',
          '--algorithms',
          'relevance',
          '--bench-time',
          '0',
          '--quiet',
          '--out',
          relevanceOnly,
        ])
      const relevanceRows = (dir: string) =>
        readFileSync(join(dir, 'rounds.csv'), 'utf8')
          .split('\r\n')
          .filter((l) => l.startsWith('relevance,'))
      expect(relevanceRows(r.out)).toEqual(relevanceRows(relevanceOnly))
      expect(readManifest(r.out).plan.cells.map((c: { status: string }) => c.status)).toEqual(['done', 'failed'])
      expect(existsSync(`${r.out}.cells`)).toBe(true) // kept, so a rerun retries only the failed cell
    },
    60_000,
  )
})
