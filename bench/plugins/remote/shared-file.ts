import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ArraySpec, dtypeOf, padded, type TypedArray } from './wire.ts'

/** Arrays larger than this go through the shared file (when the plugin reads it): below, a socket is as quick. */
export const SHARED_ABOVE = 1 << 20

const SHM = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
const PREFIX = 'trafficbench-ranker-'
/** The folder of a plugin process's shared file: named by its pid, so whoever stops the process can remove it. */
const folderOf = (pid: number) => join(SHM, `${PREFIX}${pid}`)

/**
 * Where a round's batch crosses to a plugin process without going through its stdin: a file in
 * shared memory (/dev/shm when there is one), rewritten for each large message; the header names it
 * (`file`) and the plugin maps or reads it (PROTOCOL.md § large arrays). A pipe or socket moves a
 * few hundred MB a second on a small VM; a file in RAM is written at memory speed and read in place.
 */
export class SharedFile {
  private readonly dir: string
  readonly file: string

  constructor(readonly pid: number) {
    sweepOnce()
    this.dir = folderOf(pid)
    this.file = join(this.dir, 'arrays.bin')
    mkdirSync(this.dir, { recursive: true })
    LIVE.add(this)
  }

  /** The message's header line (naming the file); the arrays are written to the file first. */
  write(header: Record<string, unknown>, arrays: Record<string, TypedArray>): Buffer[] {
    const specs: ArraySpec[] = Object.entries(arrays).map(([name, a]) => ({
      name,
      dtype: dtypeOf(a),
      length: a.length,
    }))
    // Rewritten in place, never truncated: a plugin still holding a map of the last message keeps valid pages.
    const fd = openSync(this.file, existsSync(this.file) ? 'r+' : 'w')
    let bytes = 0
    try {
      for (const a of Object.values(arrays)) {
        writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), 0, a.byteLength, bytes)
        bytes += padded(a.byteLength)
      }
    } finally {
      closeSync(fd)
    }
    return [Buffer.from(`${JSON.stringify({ ...header, arrays: specs, file: this.file, bytes })}\n`)]
  }

  remove(): void {
    removeSharedFile(this.pid)
    LIVE.delete(this)
  }
}

/** Removes a plugin process's shared file, if it has one: its memory is not freed until then. */
export function removeSharedFile(pid: number): void {
  rmSync(folderOf(pid), { recursive: true, force: true })
}

/** Files still in shared memory: removed if the thread or process ends first. */
const LIVE = new Set<SharedFile>()
process.once('exit', () => {
  for (const file of LIVE) file.remove()
})

let swept = false
/** A run killed outright (kill -9) cannot remove its files: the next one removes those of processes now gone. */
function sweepOnce(): void {
  if (swept) return
  swept = true
  for (const name of readdirSync(SHM)) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length)) : Number.NaN
    if (Number.isInteger(pid) && !alive(pid)) removeSharedFile(pid)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
