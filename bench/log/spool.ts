import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptyLoggedSession, type LoggedSession, reserveRows } from './sessions.ts'

/**
 * A log's sessions as the kit reads them again: after one pass over the text (every row checked), each
 * session is kept on disk in a fixed binary layout, so the passes that follow (the metrics' replay, a
 * click model's EM iterations, re-ranking) cost a read of a file, not a parse. Memory stays flat in
 * the log's length: a chunk at a time in each direction.
 *
 * Layout, little-endian: per session a 32-byte head (round, count, purchased slot, category, the id's
 * UTF-8 length: int32; 4 bytes of padding; price: float64), the id's bytes padded to a multiple of 8,
 * then `count` 40-byte rows (product, position: int32; sponsored, clicked: uint8, 6 bytes of padding;
 * cpc, relevance, propensity: float64).
 */
const HEAD = 32
const ROW = 40
const CHUNK = 4 << 20

export class LogSpool {
  private readonly dir: string
  readonly file: string
  private fd: number | null
  private buffer = Buffer.allocUnsafe(CHUNK)
  private length = 0
  sessions = 0

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'trafficbench-spool-'))
    this.file = join(this.dir, 'sessions.bin')
    this.fd = openSync(this.file, 'w')
    LIVE.add(this)
  }

  write(s: LoggedSession): void {
    const id = Buffer.from(s.id, 'utf8')
    const idSpace = padded(id.length)
    const need = HEAD + idSpace + s.count * ROW
    if (this.length + need > this.buffer.length) this.flush()
    if (need > this.buffer.length) this.buffer = Buffer.allocUnsafe(need)
    const b = this.buffer
    let at = this.length
    b.writeInt32LE(s.round, at)
    b.writeInt32LE(s.count, at + 4)
    b.writeInt32LE(s.purchasedSlot, at + 8)
    b.writeInt32LE(s.category, at + 12)
    b.writeInt32LE(id.length, at + 16)
    b.writeDoubleLE(s.price, at + 24)
    at += HEAD
    id.copy(b, at)
    at += idSpace
    for (let i = 0; i < s.count; i++, at += ROW) {
      b.writeInt32LE(s.product[i], at)
      b.writeInt32LE(s.position[i], at + 4)
      b[at + 8] = s.sponsored[i]
      b[at + 9] = s.clicked[i]
      b.writeDoubleLE(s.cpc[i], at + 16)
      b.writeDoubleLE(s.relevance[i], at + 24)
      b.writeDoubleLE(s.propensity[i], at + 32)
    }
    this.length = at
    this.sessions++
  }

  private flush(): void {
    if (this.length > 0) writeSync(this.fd!, this.buffer, 0, this.length)
    this.length = 0
  }

  /** Done writing: what was written can be read, as many times as needed. */
  close(): void {
    if (this.fd === null) return
    this.flush()
    closeSync(this.fd)
    this.fd = null
  }

  /** Every session in the order written, into one reused object (read it during the loop, never keep it). */
  *read(): Generator<LoggedSession> {
    this.close()
    const fd = openSync(this.file, 'r')
    const s = emptyLoggedSession()
    let buffer = Buffer.allocUnsafe(CHUNK)
    let filled = 0
    let at = 0
    let position = 0
    try {
      for (;;) {
        // Keep what is left of the last chunk; read on after it.
        if (at > 0) {
          buffer.copy(buffer, 0, at, filled)
          filled -= at
          at = 0
        }
        const got = readSync(fd, buffer, filled, buffer.length - filled, position)
        position += got
        filled += got
        if (filled === 0) return
        while (at + HEAD <= filled) {
          const count = buffer.readInt32LE(at + 4)
          const idSpace = padded(buffer.readInt32LE(at + 16))
          const size = HEAD + idSpace + count * ROW
          if (size > buffer.length) {
            const bigger = Buffer.allocUnsafe(size * 2)
            buffer.copy(bigger, 0, 0, filled)
            buffer = bigger
          }
          if (at + size > filled) break
          reserveRows(s, count)
          s.round = buffer.readInt32LE(at)
          s.count = count
          s.purchasedSlot = buffer.readInt32LE(at + 8)
          s.category = buffer.readInt32LE(at + 12)
          s.price = buffer.readDoubleLE(at + 24)
          s.id = buffer.toString('utf8', at + HEAD, at + HEAD + buffer.readInt32LE(at + 16))
          let row = at + HEAD + idSpace
          for (let i = 0; i < count; i++, row += ROW) {
            s.product[i] = buffer.readInt32LE(row)
            s.position[i] = buffer.readInt32LE(row + 4)
            s.sponsored[i] = buffer[row + 8]
            s.clicked[i] = buffer[row + 9]
            s.cpc[i] = buffer.readDoubleLE(row + 16)
            s.relevance[i] = buffer.readDoubleLE(row + 24)
            s.propensity[i] = buffer.readDoubleLE(row + 32)
          }
          at += size
          yield s
        }
        if (got === 0) {
          if (at < filled) throw new Error(`the spool ${this.file} ends inside a session`)
          return
        }
      }
    } finally {
      closeSync(fd)
    }
  }

  /** Removes the file. */
  remove(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    rmSync(this.dir, { recursive: true, force: true })
    LIVE.delete(this)
  }
}

/** Bytes an id takes in the spool: rows stay 8-byte aligned. */
const padded = (bytes: number) => (bytes + 7) & ~7

/** Spools still on disk: removed if the process ends before their reader is done. */
const LIVE = new Set<LogSpool>()
process.once('exit', () => {
  for (const spool of LIVE) spool.remove()
})
