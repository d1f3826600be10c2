import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bench, ROOT, readCsvRows, tempDir } from './helpers/cli.ts'

const PYTHON = join(ROOT, 'test/fixtures/python')
/** The documented examples: the relevance twin and the same as a service. */
const EXAMPLES = join(ROOT, 'examples/python')
const SMALL = ['--scenario', 'small', '--rounds', '3', '--seeds', '2', '--bench-time', '0']

/** A results folder's rows of one algorithm, without the algorithm column: what two twins must share. */
function rowsOf(dir: string, algorithm: string) {
  const strip = ({ algorithm: _a, ...rest }: Record<string, string>) => rest
  return Object.fromEntries(
    ['summary.csv', 'rounds.csv', 'sellers.csv'].map((f) => [
      f,
      readCsvRows(join(dir, f))
        .filter((r) => r.algorithm === algorithm)
        .map(strip),
    ]),
  )
}

/** Processes whose command line names a path under `dir`: none may outlive a run. */
function processesUnder(dir: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)))
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline}`)
    } catch {
      // gone meanwhile
    }
  return found
}

/** Shared-memory files of plugin processes that have exited (or are zombies): none may outlive a run. */
function orphanedSharedFiles(): string[] {
  if (!existsSync('/dev/shm')) return []
  const running = (pid: string) => {
    try {
      return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    } catch {
      return false
    }
  }
  return readdirSync('/dev/shm').filter((name) => {
    const pid = /^trafficbench-ranker-(\d+)$/.exec(name)?.[1]
    return pid !== undefined && !running(pid)
  })
}

describe('a ranker written in Python (clients/python)', () => {
  it('the Python twin of relevance writes the built-in rows byte for byte, in session and in batch mode', () => {
    for (const batch of ['0', '1']) {
      const out = join(tempDir('trafficbench-py-'), 'out')
      const args = ['run', ...SMALL, '--algorithms', 'relevance,relevance-py', '--out', out]
      const r = bench([...args, '--plugin', join(EXAMPLES, 'relevance.py')], { env: { RELEVANCE_PY_BATCH: batch } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const twin = rowsOf(out, 'relevance-py')
      expect(twin['summary.csv']).toHaveLength(2)
      expect(twin, `batch=${batch}`).toEqual(rowsOf(out, 'relevance'))
      expect(orphanedSharedFiles()).toEqual([])
    }
  })

  it('a ranker that raises, exits, writes to stdout, hangs or hogs memory fails its cell, named; none stays', () => {
    const dir = tempDir('trafficbench-bad-py-')
    cpSync(join(PYTHON, 'misbehaving.py'), join(dir, 'misbehaving.py'))
    const expected: Record<string, RegExp> = {
      raise: /its process reported an error: RuntimeError: the model file is corrupt/,
      exit: /its process exited with code 3; its stderr ends: giving up/,
      garbage: /wrote something that is not a protocol message to stdout: .*hello from a print/,
      hang: /exceeded the cell time limit of 5 s/,
      spawn: /exceeded the cell time limit of 5 s/,
      // A plugin process gets its cell's memory limit (--cell-memory) as its address-space limit.
      hog: /its process reported an error: MemoryError/,
      // In batch mode with 600 sessions a round's arrays pass 1 MiB and go through a shared-memory file.
      'hang-batch': /exceeded the cell time limit of 5 s/,
    }
    for (const [name, reason] of Object.entries(expected)) {
      const [mode, batch] = name.split('-')
      const out = join(dir, `out-${name}`)
      const r = bench(
        [
          'run',
          ...['--scenario', 'small', '--rounds', '2', '--sessions', batch ? '600' : '60'],
          ...['--bench-time', '0', '--cell-timeout', '5', '--cell-memory', '1024'],
          ...['--algorithms', 'relevance,misbehaving', '--plugin', join(dir, 'misbehaving.py')],
          ...['--param', `misbehaving.mode=${mode}`, '--out', out],
        ],
        { env: { MISBEHAVING_BATCH: batch ? '1' : '0' } },
      )
      expect(r.code, mode).toBe(1)
      expect(r.stderr, mode).toMatch(/^bench: 1 of 2 cells failed, the others were written/)
      const errors = readCsvRows(join(out, 'errors.csv'))
      expect(errors.map((e) => e.algorithm)).toEqual(['misbehaving'])
      expect(errors[0].reason, mode).toMatch(reason)
      expect(errors[0].round).toBe('1')
      // relevance's own cell was written as usual.
      expect(readCsvRows(join(out, 'summary.csv')).map((s) => s.algorithm)).toEqual(['relevance'])
      expect(processesUnder(dir), mode).toEqual([])
      expect(orphanedSharedFiles(), mode).toEqual([])
    }
  })
})

describe('a ranker as a service (HTTP)', () => {
  let server: ChildProcess | undefined
  afterAll(() => server?.kill('SIGKILL'))

  it('gives the rows it gives over stdio, with runs of two workers at once, and passes bench check', async () => {
    server = spawn('python3', [join(EXAMPLES, 'relevance_service.py')], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'clients/python') },
    })
    const port = await new Promise<string>((done, fail) => {
      server!.stdout!.once('data', (d: Buffer) => done(d.toString().trim()))
      server!.once('exit', (code) => fail(new Error(`the service exited with code ${code}`)))
    })
    const out = join(tempDir('trafficbench-http-'), 'out')
    const r = bench([
      'run',
      ...SMALL,
      ...['--workers', '2', '--algorithms', 'relevance-py,relevance-http'],
      ...['--plugin', join(EXAMPLES, 'relevance.py'), '--plugin', `http://127.0.0.1:${port}/`, '--out', out],
    ])
    expect(r.stderr).toBe('')
    expect(rowsOf(out, 'relevance-http')).toEqual(rowsOf(out, 'relevance-py'))

    const check = bench(['check', `http://127.0.0.1:${port}/`])
    expect(check.stderr).toBe('')
    expect(check.stdout).toMatch(/every check passed/)
  })
})
