import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, exited, ROOT, tempDir, until } from './helpers/cli.ts'

/**
 * A run killed with kill -9 whose parent never reaps it stays a zombie: its pid still exists, so
 * `kill(pid, 0)` says it is alive. The next run must see through that and take the lock over.
 */
describe('a lock held by a zombie', () => {
  it.skipIf(!existsSync('/proc/self/stat'))('is taken over at once: the rerun resumes the killed run', async () => {
    const work = tempDir('trafficbench-zombie-')
    const out = join(work, 'out')
    const args = [
      'run',
      ...['--scenario', 'small', '--rounds', '6', '--seeds', '4', '--workers', '1', '--bench-time', '0'],
      ...['--algorithms', 'relevance', '--quiet', '--out', out],
    ]
    // A parent that starts the run, prints its pid and never waits for it.
    const keeper = spawn(
      'python3',
      [
        '-c',
        'import subprocess, sys, time\n' +
          'p = subprocess.Popen(sys.argv[1:])\nprint(p.pid, flush=True)\ntime.sleep(120)',
        process.execPath,
        join(ROOT, 'bin/bench.js'),
        ...args,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const pid = await new Promise<number>((done) => keeper.stdout!.once('data', (d) => done(Number(String(d)))))
      const saved = () => {
        try {
          return readdirSync(`${out}.cells`).filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).length
        } catch {
          return 0
        }
      }
      await until(() => saved() >= 1, 20)
      process.kill(pid, 'SIGKILL')
      await until(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z'), 20)
      expect(existsSync(`${out}.lock`)).toBe(true)

      const rerun = bench(args)
      expect(rerun.stderr).toBe('')
      expect(rerun.code).toBe(0)
      expect(rerun.stdout).toMatch(/reused/)
      // The zombie is still there: the takeover did not wait for it to be reaped.
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z')).toBe(true)
      expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\r\n').length).toBe(6)
    } finally {
      keeper.kill('SIGKILL')
      await exited(keeper)
    }
  })
})
