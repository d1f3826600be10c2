import { isUtf8 } from 'node:buffer'
import { Transform, type TransformCallback } from 'node:stream'
import { InputError } from './errors.ts'

/**
 * Text inputs must be UTF-8: decoding another encoding as UTF-8 turns every non-ASCII byte into
 * U+FFFD, so "café" and "cafè" in a Latin-1 catalog would silently become one category.
 */

/**
 * Where a UTF-8 decoder first fails: the index of the lead byte of the first malformed sequence
 * (bad lead byte, missing continuation, or a sequence cut off by the end). Overlong forms and
 * surrogates are left to isUtf8, which the caller runs first.
 */
function firstBadByte(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    const extra =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1
    if (extra < 0) return i
    for (let k = 1; k <= extra; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i
    i += extra + 1
  }
  return -1
}

/** The 1-based line and column of the first byte that is not UTF-8, or null when all of it is. */
export function firstInvalidUtf8(
  bytes: Uint8Array,
  firstLine = 1,
): { line: number; column: number; byte: number } | null {
  if (isUtf8(bytes)) return null
  const at = Math.max(0, firstBadByte(bytes))
  let line = firstLine
  let lineStart = 0
  for (let i = 0; i < at; i++)
    if (bytes[i] === 0x0a) {
      line++
      lineStart = i + 1
    }
  return { line, column: at - lineStart + 1, byte: bytes[at] }
}

export function notUtf8(file: string, at: { line: number; column: number; byte: number }): InputError {
  const hex = at.byte.toString(16).toUpperCase().padStart(2, '0')
  return new InputError(
    `${file} line ${at.line}, column ${at.column}: not valid UTF-8 (byte 0x${hex}); save the file as UTF-8 ` +
      '(e.g. iconv -f latin1 -t utf-8)',
  )
}

/** Passes bytes through unchanged, failing at the first line that is not UTF-8; a sequence may span chunks. */
export class Utf8Guard extends Transform {
  private line = 1
  private carry = Buffer.alloc(0)
  /** Bytes of the current line already checked and passed on. */
  private checked = 0
  constructor(private readonly file: string) {
    super()
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk
    // Check up to the last newline, or, on a line longer than the chunk, all but the last 3 bytes (a character may
    // continue in the next chunk): what is kept back never grows beyond a line's start or 3 bytes.
    const newline = bytes.lastIndexOf(0x0a) + 1
    let cut = newline > 0 ? newline : Math.max(0, bytes.length - 3)
    // Never inside a character: back to its first byte.
    while (newline === 0 && cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--
    const whole = bytes.subarray(0, cut)
    const bad = firstInvalidUtf8(whole, this.line)
    // Columns count from the line's start, part of which earlier chunks held.
    if (bad && bad.line === this.line) bad.column += this.checked
    if (!bad) {
      for (let i = whole.indexOf(0x0a); i >= 0; i = whole.indexOf(0x0a, i + 1)) this.line++
      this.checked = newline > 0 ? 0 : this.checked + cut
      this.carry = Buffer.from(bytes.subarray(cut))
    }
    done(bad ? notUtf8(this.file, bad) : null, bad ? undefined : chunk)
  }

  override _flush(done: TransformCallback): void {
    const bad = firstInvalidUtf8(this.carry, this.line)
    done(bad ? notUtf8(this.file, bad) : null)
  }
}
