import { type SpawnOptions, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'

/** The end-to-end tests' one way to run the real CLI and read what it wrote. */
export const ROOT = resolve(import.meta.dirname, '../..')
export const BIN = join(ROOT, 'bin/bench.js')

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

export interface BenchOptions {
  cwd?: string
  env?: Record<string, string>
  input?: string
}

const environment = (env: Record<string, string> = {}) => ({ ...process.env, NO_COLOR: '1', ...env })

/** `bench ARGS…` in a child process (cwd: the kit unless given), its exit code and output. */
export function bench(args: readonly string[], options: BenchOptions = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: environment(options.env),
    input: options.input,
    maxBuffer: 64 << 20,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** `bench ARGS…` started, not awaited: for tests that signal or race runs. */
export function benchProcess(args: readonly string[], options: BenchOptions & SpawnOptions = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: environment(options.env) })
}

/** A fresh folder under the test run's temporary root (removed when the run ends). */
export function tempDir(prefix = 'trafficbench-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A CSV file the kit wrote, as rows of text cells by column. */
export function readCsvRows(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true })
}
