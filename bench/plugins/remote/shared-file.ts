import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ArraySpec, dtypeOf, padded, type TypedArray } from './wire.ts'

/** Arrays larger than this go through the shared file (when the plugin reads it): below, a socket is as quick. */
export const SHARED_ABOVE = 1 << 20

/**
 * Where a round's batch crosses to a plugin process without going through its stdin: a file in
 * shared memory (/dev/shm when there is one), rewritten for each large message; the header names it
 * (`file`) and the plugin maps or reads it (PROTOCOL.md § large arrays). A pipe or socket moves a
 * few hundred MB a second on a small VM; a file in RAM is written at memory speed and read in place.
 */
export class SharedFile {
  private readonly dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'trafficbench-'))
  readonly file = join(this.dir, 'arrays.bin')

  constructor() {
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
    rmSync(this.dir, { recursive: true, force: true })
    LIVE.delete(this)
  }
}

/** Files still in shared memory: removed if the process ends first (RAM is not freed until they are). */
const LIVE = new Set<SharedFile>()
process.once('exit', () => {
  for (const file of LIVE) file.remove()
})
