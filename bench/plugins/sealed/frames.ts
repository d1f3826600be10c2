import { readSync, writeSync } from 'node:fs'
import { deserialize, serialize } from 'node:v8'

/**
 * The sealed plugin's wire: each message a 4-byte little-endian length and a V8-serialized value (typed
 * arrays travel as they are). Both ends are Node processes of one version, so V8's format is shared.
 */

export function writeFrame(fd: number, value: unknown): void {
  const body = serialize(value)
  const head = Buffer.alloc(4)
  head.writeUInt32LE(body.length, 0)
  writeAll(fd, head)
  writeAll(fd, body)
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
}

/** The next frame from a blocking fd; null at the end of the stream. */
export function readFrame(fd: number): unknown {
  const head = readExactly(fd, 4)
  if (!head) return null
  const body = readExactly(fd, head.readUInt32LE(0))
  if (!body) throw new Error('the stream ended inside a message')
  return deserialize(body)
}

const nap = new Int32Array(new SharedArrayBuffer(4))

function readExactly(fd: number, length: number): Buffer | null {
  const out = Buffer.alloc(length)
  let done = 0
  let idle = 0
  while (done < length) {
    let n: number
    try {
      n = readSync(fd, out, done, length - done, null)
    } catch (err) {
      // A pipe in non-blocking mode, empty for now: wait a little, longer the longer it stays empty (at most 1 ms).
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
      Atomics.wait(nap, 0, 0, Math.min(1, 0.01 * 2 ** Math.min(idle++, 7)))
      continue
    }
    idle = 0
    if (n === 0) return done === 0 ? null : out.subarray(0, done)
    done += n
  }
  return out
}
