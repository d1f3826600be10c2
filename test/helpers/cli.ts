import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'

/**
 * The end-to-end tests' one way to run the real CLI and read what it wrote. Every call takes the
 * arguments as one array: `bench(['run', '--scenario', 'small'], { cwd })`.
 */
export const ROOT = resolve(import.meta.dirname, '../..')
export const BIN = join(ROOT, 'bin/bench.js')

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

export interface BenchOptions {
  /** The working directory (default: the kit). */
  cwd?: string
  /** Variables added to the environment (which always has NO_COLOR=1). */
  env?: Record<string, string>
  /** Text for the standard input (bench only). */
  input?: string
  /** A copy of the kit whose bin/bench.js to run instead of this one. */
  kit?: string
}

const environment = (env: Record<string, string> = {}) => ({ ...process.env, NO_COLOR: '1', ...env })
const command = (args: readonly string[], kit = ROOT) => [join(kit, 'bin/bench.js'), ...args]

/** `bench ARGS…` in a child process, waited for: its exit code and output. */
export function bench(args: readonly string[], options: BenchOptions = {}): Ran {
  const r = spawnSync(process.execPath, command(args, options.kit), {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: environment(options.env),
    input: options.input,
    maxBuffer: 64 << 20,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** `bench ARGS…` started, not awaited: for tests that signal or race runs. */
export function benchProcess(args: readonly string[], options: BenchOptions = {}): ChildProcess {
  return spawn(process.execPath, command(args, options.kit), {
    cwd: options.cwd ?? ROOT,
    env: environment(options.env),
  })
}

/** `bench ARGS…` without blocking the test worker, so that concurrent tests run their commands side by side. */
export function benchAsync(args: readonly string[], options: BenchOptions = {}): Promise<Ran> {
  return new Promise((done) => {
    const child = benchProcess(args, options)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d) => (stdout += d))
    child.stderr?.on('data', (d) => (stderr += d))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** The exit code of a started process, once it has closed its output. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.on('close', (code) => done(code)))
}

/** Resolves once `ready()` holds, checking every `ms` milliseconds (a file appeared, enough cells were saved…). */
export function until(ready: () => boolean, ms = 50): Promise<void> {
  return new Promise((done) => {
    const poll = setInterval(() => {
      if (!ready()) return
      clearInterval(poll)
      done()
    }, ms)
  })
}

/** A fresh folder under the test run's temporary root (removed when the run ends). */
export function tempDir(prefix = 'trafficbench-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A CSV file the kit wrote, as rows of text cells by column. */
export function readCsvRows(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true })
}

/** A results folder's manifest.json. */
export function readManifest(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
}

/** The header line of a CSV file the kit wrote (its lines end in CRLF). */
export function readCsvHeader(file: string): string {
  return readFileSync(file, 'utf8').split('\r\n')[0]
}
