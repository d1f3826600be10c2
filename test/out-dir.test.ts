import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { claimResultsFolder, describeErrno, isResultsFolder, OutputError } from '../bench/runner/folder/out-dir.ts'
import { tempDir } from './helpers/cli.ts'

describe('--out (bench/runner/folder/out-dir.ts)', () => {
  const manifest = JSON.stringify({
    command: 'bench run',
    versions: { trafficbench: '0.1.0' },
    timing: { startedAt: '2026-01-01T00:00:00.000Z' },
  })
  /** A scratch folder holding one earlier results folder, `res`. */
  const scratch = () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'res'))
    writeFileSync(join(dir, 'res', 'manifest.json'), manifest)
    writeFileSync(join(dir, 'res', 'summary.csv'), 'old\n')
    return dir
  }
  const files = { 'manifest.json': manifest, 'summary.csv': 'new\n' }
  /**
   * A live process that is not this one (the process that started this test worker), and a pid no process can have
   * (Linux pids stop at 2^22, macOS's at 99,999): a unit test starts no process of its own.
   */
  const livePid = process.ppid
  const deadPid = 2 ** 22 + 1

  it('replaces only its own results folder, whole, and leaves no lock behind', () => {
    const dir = scratch()
    expect(isResultsFolder(join(dir, 'res'))).toBe(true)
    const out = claimResultsFolder(join(dir, 'res'), 1000)
    expect(existsSync(join(dir, 'res.lock'))).toBe(true)
    out.write(files)
    expect(readdirSync(dir)).toEqual(['res'])
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('new\n')
    // A new path and an empty folder are fine too.
    mkdirSync(join(dir, 'empty'))
    for (const path of [join(dir, 'empty'), join(dir, 'new', 'deeper')]) claimResultsFolder(path, 0).write(files)
    expect(isResultsFolder(join(dir, 'new', 'deeper'))).toBe(true)
  })
  it('refuses a file, a link, other files, a manifest not written by bench', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'notes.txt'), 'keep')
    symlinkSync(join(dir, 'res'), join(dir, 'link'))
    mkdirSync(join(dir, 'foreign'))
    writeFileSync(join(dir, 'foreign', 'manifest.json'), '{"name": "someone else"}')
    writeFileSync(join(dir, 'res', 'my-notes.md'), 'keep')
    const refused: [string, RegExp][] = [
      [join(dir, 'notes.txt'), /is a file, not a results folder/],
      [join(dir, 'link'), /is a symbolic link/],
      [join(dir, 'foreign'), /is a folder with no manifest\.json written by bench/],
      [join(dir, 'res'), /is a folder with other files \(my-notes\.md\)/],
      ['', /an empty path/],
      [' ', /an empty path/],
      ['/', /the root of the file system/],
    ]
    for (const [path, message] of refused) expect(() => claimResultsFolder(path, 0), path).toThrowError(message)
    expect(readdirSync(dir).sort()).toEqual(['foreign', 'link', 'notes.txt', 'res'])
    expect(readdirSync(join(dir, 'res')).sort()).toEqual(['manifest.json', 'my-notes.md', 'summary.csv'])
  })
  it('a live run holds the folder; a dead run’s lock is taken over; a foreign .lock file is left alone', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'res.lock'), JSON.stringify({ pid: livePid, startedAt: 'then' }))
    expect(() => claimResultsFolder(join(dir, 'res'), 0)).toThrowError(
      new RegExp(`another run \\(pid ${livePid}, since then\\) is writing this folder`),
    )
    writeFileSync(join(dir, 'res.lock'), JSON.stringify({ pid: deadPid, startedAt: 'then' }))
    const out = claimResultsFolder(join(dir, 'res'), 0)
    expect(JSON.parse(readFileSync(join(dir, 'res.lock'), 'utf8')).pid).toBe(process.pid)
    out.release()
    expect(existsSync(join(dir, 'res.lock'))).toBe(false)
    writeFileSync(join(dir, 'res.lock'), 'my own file')
    expect(() => claimResultsFolder(join(dir, 'res'), 0)).toThrowError(
      /res\.lock exists and is not a trafficbench lock/,
    )
    expect(readFileSync(join(dir, 'res.lock'), 'utf8')).toBe('my own file')
  })
  it('clears what killed runs left: partial folders removed, a replaced folder put back, anything else kept', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'res.partial-123'))
    writeFileSync(join(dir, 'res.partial-123', 'rounds.csv'), 'half')
    mkdirSync(join(dir, 'res.partial-124'))
    writeFileSync(join(dir, 'res.partial-124', 'mine.txt'), 'not the kit’s')
    claimResultsFolder(join(dir, 'res'), 0).release()
    expect(readdirSync(dir).sort()).toEqual(['res', 'res.partial-124'])
    // Killed between moving the old folder aside and moving the new one in.
    renameSync(join(dir, 'res'), join(dir, 'res.old-125'))
    claimResultsFolder(join(dir, 'res'), 0).release()
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('old\n')
    expect(readdirSync(dir).sort()).toEqual(['res', 'res.partial-124'])
  })
  it('checks free space up front; a failed write says so on one line and changes nothing', () => {
    const dir = scratch()
    expect(() => claimResultsFolder(join(dir, 'res'), 1e18)).toThrowError(
      /free on its file system, the results need about 1\.0 EB/,
    )
    expect(existsSync(join(dir, 'res.lock'))).toBe(false)
    const out = claimResultsFolder(join(dir, 'res'), 0)
    expect(() => out.write({ 'manifest.json': manifest, 'sub/summary.csv': 'x' })).toThrowError(OutputError)
    expect(() => claimResultsFolder(join(dir, 'res'), 0).write({ 'sub/summary.csv': 'x' })).toThrowError(
      /^cannot write the results to .*res: no such folder \(ENOENT\); nothing was changed there$/,
    )
    expect(readdirSync(dir)).toEqual(['res'])
    expect(readFileSync(join(dir, 'res', 'summary.csv'), 'utf8')).toBe('old\n')
    expect(describeErrno(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(
      'no space left on the device (ENOSPC)',
    )
  })
})
