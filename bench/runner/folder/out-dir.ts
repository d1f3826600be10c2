import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statfsSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { InputError } from '../../../core/errors.ts'
import { KIT_ROOT } from '../../../core/paths.ts'
import { bytes } from '../plan/estimate.ts'
import { CATALOG_FOLDER, isResultFile } from './results.ts'

/** Writing a results folder failed after the run (disk full, permissions changed): one line, exit 1. */
export class OutputError extends Error {
  override name = 'OutputError'
}

/** A file's text, or a file already written elsewhere on the same file system, moved or copied in (large logs). */
export type ResultContent = string | { moveFrom: string } | { copyFrom: string }

/** A results folder this run may write: checked, locked, and cleared of leftovers of killed runs. */
export interface ResultsTarget {
  /** As given (for messages). */
  path: string
  /** Writes every file at once (see writeAll) and releases the lock. */
  write(files: Record<string, ResultContent>): void
  /** Releases the lock without writing (the run failed). */
  release(): void
}

/**
 * Claims `out` for a run before anything is simulated. Refused (InputError, exit 2): an empty path,
 * the working directory or a parent of it, the kit's own folder or a parent of it, a file, a
 * symbolic link, a folder holding anything but a results folder's files, a folder another live run
 * is writing, a parent that cannot be written, a file system without `needBytes` free. A folder the
 * kit wrote before (manifest.json of the kit's shape, nothing but result files) is replaced.
 */
export function claimResultsFolder(out: string, needBytes: number): ResultsTarget {
  const target = checkTarget(out)
  const parent = dirname(target)
  try {
    mkdirSync(parent, { recursive: true })
  } catch (err) {
    throw new InputError(`--out ${out}: cannot create ${parent}: ${describeErrno(err)}`)
  }
  const lock = takeLock(out, `${target}.lock`)
  try {
    checkContents(out, target) // again, now that no other run can be writing it
    clearLeftovers(target)
    const free = freeBytes(parent)
    if (free !== null && free < needBytes)
      throw new InputError(
        `--out ${out}: ${bytes(free)} free on its file system, the results need about ${bytes(needBytes)}`,
      )
  } catch (err) {
    lock.release()
    throw err
  }
  return {
    path: out,
    write(files) {
      try {
        writeAll(target, files)
      } finally {
        lock.release()
      }
    },
    release: lock.release,
  }
}

/** The absolute path of `out`, or an InputError saying why it can never be a results folder. */
function checkTarget(out: string): string {
  const refuse = (why: string) => new InputError(`--out ${JSON.stringify(out)}: ${why}; nothing was written or deleted`)
  if (out.trim() === '') throw refuse('an empty path (an unset variable?); give the results folder to write')
  const target = resolve(out)
  const real = realPath(target)
  const cwd = realPath(process.cwd())
  const kit = realPath(KIT_ROOT)
  if (real === dirname(real)) throw refuse('is the root of the file system')
  if (isWithin(cwd, real))
    throw refuse(real === cwd ? 'is the working directory' : 'is a parent of the working directory')
  if (isWithin(kit, real))
    throw refuse(real === kit ? 'is the trafficbench folder itself' : 'is a parent of the trafficbench folder')
  checkContents(out, target)
  return target
}

/** Refuses a `target` that exists and is not a results folder (an empty folder is fine). */
function checkContents(out: string, target: string): void {
  const refuse = (why: string) =>
    new InputError(`--out ${out}: ${why}; refusing to replace it (nothing was written or deleted)`)
  let stat: Stats
  try {
    stat = lstatSync(target)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new InputError(`--out ${out}: ${describeErrno(err)}`)
  }
  if (stat.isSymbolicLink()) throw refuse('is a symbolic link')
  if (!stat.isDirectory()) throw refuse('is a file, not a results folder')
  const entries = readdirSync(target)
  if (entries.length === 0 || isResultsFolder(target, entries)) return
  const others = entries.filter((e) => !isResultFile(e))
  const listed = others.length
    ? `other files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`
    : 'no manifest.json written by bench'
  throw refuse(`is a folder with ${listed}, not a trafficbench results folder`)
}

/**
 * Whether a folder is one the kit wrote: nothing but result files, and a manifest.json of the shape
 * bench/runner/benchmark.ts buildManifest writes (a bench command line, the kit's version, timing).
 */
export function isResultsFolder(dir: string, entries = readdirSync(dir)): boolean {
  const expected = (e: string) =>
    e === CATALOG_FOLDER ? lstatSync(join(dir, e)).isDirectory() : isResultFile(e) && lstatSync(join(dir, e)).isFile()
  if (!entries.includes('manifest.json') || !entries.every(expected)) return false
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    return (
      typeof m?.command === 'string' &&
      m.command.startsWith('bench ') &&
      typeof m.versions?.trafficbench === 'string' &&
      typeof m.timing?.startedAt === 'string'
    )
  } catch {
    return false
  }
}

/** The real path, following symbolic links of the longest part that exists. */
function realPath(path: string): string {
  const rest: string[] = []
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(realpathSync.native(p), ...rest)
    } catch {
      if (p === dirname(p)) return path
      rest.unshift(basename(p))
    }
  }
}

/** `inner` is `outer` or inside it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep))
}

interface Lock {
  release: () => void
}

/** What a lock file holds: the run that holds it. */
interface LockOwner {
  pid: number
  startedAt: string
  /** The process's start time as the kernel counts it (/proc/PID/stat), where there is one: a reused pid differs. */
  processStart?: string
}

/**
 * An exclusive lock beside the results folder (DIR.lock, created with O_EXCL). A lock whose process
 * is gone (killed, a zombie, or its pid now another process's: see holds) is taken over: renamed away
 * first, so that of two runs taking it over at once only one succeeds. Released on exit, also on
 * process.exit(); a signal that kills the process leaves a stale lock, taken over by the next run.
 */
function takeLock(out: string, file: string): Lock {
  const owner: LockOwner = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...(processStat(process.pid) && { processStart: processStat(process.pid)!.start }),
  }
  for (let attempt = 0; ; attempt++) {
    // Written whole under a private name, then linked into place (link fails if the lock exists): a run
    // killed at any moment leaves either no lock or a complete one, never an empty file.
    const draft = `${file}.draft-${process.pid}`
    try {
      writeFileSync(draft, `${JSON.stringify(owner)}\n`)
      linkSync(draft, file)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new InputError(`--out ${out}: cannot write in ${dirname(file)}: ${describeErrno(err)}`)
      const holder = readLock(file)
      if (!holder)
        throw new InputError(
          `--out ${out}: ${file} exists and is not a trafficbench lock; remove it or choose another --out`,
        )
      if (holds(holder) || attempt > 2)
        throw new InputError(
          `--out ${out}: another run (pid ${holder.pid}, since ${holder.startedAt}) is writing this folder; wait ` +
            `for it or choose another --out (if no such run exists, delete ${file})`,
        )
      const stale = `${file}.stale-${process.pid}`
      try {
        renameSync(file, stale)
        // Between reading and renaming, another run may have taken the lock over: put its lock back.
        if (readLock(stale)?.pid !== holder.pid) linkSync(stale, file)
      } catch {
        // Another run took it over first: try again, and find its live pid.
      }
      rmSync(stale, { force: true })
    } finally {
      rmSync(draft, { force: true })
    }
  }
  let held = true
  const release = () => {
    if (!held) return
    held = false
    process.removeListener('exit', release)
    if (readLock(file)?.pid === process.pid) rmSync(file, { force: true })
  }
  process.once('exit', release)
  return { release }
}

function readLock(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8'))
    return Number.isInteger(owner?.pid) && typeof owner.startedAt === 'string' ? (owner as LockOwner) : null
  } catch {
    return null
  }
}

/**
 * A process's state and start time from /proc (Linux); null where there is no /proc or no such process. The start
 * time is field 22 of /proc/PID/stat, counted after the command name, which may itself hold spaces and parentheses.
 */
function processStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0], start: fields[19] }
  } catch {
    return null
  }
}

/**
 * Whether the run that wrote a lock still holds it: its process exists, is not a zombie (killed, not yet reaped by
 * a parent that never waits, as in a container whose init does not reap), and is the same process, not a later
 * one given the same pid (its start time differs from the one the lock recorded).
 */
function holds(owner: LockOwner): boolean {
  if (!isAlive(owner.pid)) return false
  const stat = processStat(owner.pid)
  if (!stat) return true // no /proc: the pid's existence is all there is to go on
  if (stat.state === 'Z' || stat.state === 'X') return false
  return owner.processStart === undefined || owner.processStart === stat.start
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Folders left beside `target` by killed runs (DIR.partial-PID being written, DIR.old-PID the
 * replaced results): with the lock held no run is writing them. An old folder whose new one never
 * arrived is put back; the rest are removed — only when they hold nothing but result files.
 */
function clearLeftovers(target: string): void {
  const name = basename(target)
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(partial|old)-\\d+$`)
  const parent = dirname(target)
  const entries = readdirSync(parent)
  // A killed run's lock draft (DIR.lock.draft-PID): a file of a few bytes, never anyone's lock.
  const draft = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.lock\\.draft-(\\d+)$`)
  for (const e of entries) {
    const pid = draft.exec(e)?.[1]
    if (pid && Number(pid) !== process.pid && !holds({ pid: Number(pid), startedAt: '' }))
      rmSync(join(parent, e), { force: true })
  }
  const leftovers = entries.filter((e) => pattern.test(e)).map((e) => join(parent, e))
  for (const dir of leftovers) {
    let entries: string[]
    try {
      if (!lstatSync(dir).isDirectory()) continue
      entries = readdirSync(dir)
    } catch {
      continue
    }
    if (entries.some((e) => !isResultFile(e))) continue
    if (dir.includes('.old-') && !existsSync(target) && isResultsFolder(dir, entries)) renameSync(dir, target)
    else rmSync(dir, { recursive: true, force: true })
  }
}

function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir)
    return s.bavail * s.bsize
  } catch {
    return null // not every file system reports it; the write itself will say
  }
}

/**
 * Writes all files of a results folder at once: into a temporary sibling folder first, renamed to
 * `target` only when every file is written, so a failure never leaves a half-written folder and
 * an existing results folder is replaced whole. SIGINT/SIGTERM/SIGHUP wait until the folder is
 * complete (the write is synchronous), then end the process.
 */
function writeAll(target: string, files: Record<string, ResultContent>): void {
  const temp = `${target}.partial-${process.pid}`
  const old = `${target}.old-${process.pid}`
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  const onSignal = (signal: NodeJS.Signals) =>
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
  const cleanup = () => rmSync(temp, { recursive: true, force: true })
  for (const s of signals) process.once(s, onSignal)
  process.once('exit', cleanup)
  try {
    mkdirSync(temp)
    for (const [name, content] of Object.entries(files)) {
      if (name.startsWith(`${CATALOG_FOLDER}/`)) mkdirSync(join(temp, CATALOG_FOLDER), { recursive: true })
      if (typeof content === 'string') writeFileSync(join(temp, name), content)
      else if ('moveFrom' in content) renameSync(content.moveFrom, join(temp, name))
      else copyFileSync(content.copyFrom, join(temp, name))
    }
    if (existsSync(target)) renameSync(target, old)
    renameSync(temp, target)
    rmSync(old, { recursive: true, force: true })
  } catch (err) {
    if (!existsSync(target) && existsSync(old)) renameSync(old, target)
    throw new OutputError(`cannot write the results to ${target}: ${describeErrno(err)}; nothing was changed there`)
  } finally {
    cleanup()
    process.removeListener('exit', cleanup)
    // A signal that came during the write is delivered on the next turn of the event loop.
    setImmediate(() => {
      for (const s of signals) process.removeListener(s, onSignal)
    })
  }
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the path is too long',
  EEXIST: 'something else is already there',
  ENOENT: 'no such folder',
  EIO: 'input/output error',
}

/** An fs error in words, with its code: "no space left on the device (ENOSPC)". */
export function describeErrno(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  if (code && ERRNO_WORDS[code]) return `${ERRNO_WORDS[code]} (${code})`
  return err instanceof Error ? err.message.split('\n')[0] : String(err)
}
