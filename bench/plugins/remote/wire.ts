/**
 * The wire format of the plugin protocol (docs/PROTOCOL.md): a message is one line of JSON (its
 * header) and, when the header says `bytes`, that many bytes of arrays right after it, in the order
 * `arrays` lists them, little-endian, each padded to a multiple of 8 bytes.
 */

export type Dtype = 'int32' | 'float64' | 'float32' | 'uint8'
export type TypedArray = Int32Array | Float64Array | Float32Array | Uint8Array

export interface ArraySpec {
  name: string
  dtype: Dtype
  length: number
}

export interface Header {
  type: string
  arrays?: ArraySpec[]
  bytes?: number
  [key: string]: unknown
}

export interface Message {
  header: Header
  arrays: Record<string, TypedArray>
}

export const CTOR = { int32: Int32Array, float64: Float64Array, float32: Float32Array, uint8: Uint8Array } as const
export const dtypeOf = (a: TypedArray): Dtype =>
  a instanceof Int32Array
    ? 'int32'
    : a instanceof Float64Array
      ? 'float64'
      : a instanceof Float32Array
        ? 'float32'
        : 'uint8'
export const padded = (n: number) => Math.ceil(n / 8) * 8
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** The zero bytes that pad an array to a multiple of 8. */
const PAD = Buffer.alloc(8)

/**
 * One message as the pieces to write, in order: its header line, then each array's own bytes (views,
 * not copies) and its padding. Written with writev, a round of 30 MB of arrays is never copied.
 */
export function encodeParts(header: Header, arrays: Record<string, TypedArray> = {}): Buffer[] {
  if (!LITTLE_ENDIAN) throw new Error('the plugin protocol needs a little-endian machine')
  const specs: ArraySpec[] = Object.entries(arrays).map(([name, a]) => ({ name, dtype: dtypeOf(a), length: a.length }))
  const bytes = Object.values(arrays).reduce((n, a) => n + padded(a.byteLength), 0)
  const parts: Buffer[] = [
    Buffer.from(`${JSON.stringify({ ...header, ...(specs.length ? { arrays: specs } : {}), bytes })}\n`),
  ]
  for (const a of Object.values(arrays)) {
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    if (a.byteLength % 8) parts.push(PAD.subarray(0, 8 - (a.byteLength % 8)))
  }
  return parts
}

/** One message as one buffer (a service's request body). */
export function encode(header: Header, arrays: Record<string, TypedArray> = {}): Buffer {
  return Buffer.concat(encodeParts(header, arrays))
}

/** A message's arrays, copied out of its payload into aligned typed arrays. */
export function decodeArrays(header: Header, payload: Buffer): Record<string, TypedArray> {
  const arrays: Record<string, TypedArray> = {}
  let at = 0
  for (const spec of header.arrays ?? []) {
    const Ctor = CTOR[spec.dtype]
    if (!Ctor) throw new Error(`array ${spec.name}: unknown dtype ${String(spec.dtype)}`)
    if (!Number.isInteger(spec.length) || spec.length < 0) throw new Error(`array ${spec.name}: bad length`)
    const size = spec.length * Ctor.BYTES_PER_ELEMENT
    if (at + size > payload.length)
      throw new Error(`array ${spec.name} runs past the message's ${payload.length} bytes`)
    const a = new Ctor(spec.length)
    payload.copy(Buffer.from(a.buffer), 0, at, at + size)
    arrays[spec.name] = a
    at += padded(size)
  }
  return arrays
}

/** The longest header line accepted: a peer that writes text, not messages, is stopped at once. */
const MAX_HEADER = 1 << 20

/**
 * Cuts a byte stream into messages. Feed it chunks as they arrive; it returns each complete message
 * once. Anything that is not a message (a stray print, a truncated payload) is an error naming what
 * was read.
 */
export class MessageReader {
  private chunks: Buffer[] = []
  private length = 0
  private header: Header | null = null

  push(chunk: Buffer): Message[] {
    this.chunks.push(chunk)
    this.length += chunk.length
    const out: Message[] = []
    for (;;) {
      const message = this.next()
      if (!message) return out
      out.push(message)
    }
  }

  /** What is buffered and not yet a message (for an error when the stream ends). */
  get pending(): number {
    return this.length
  }

  private next(): Message | null {
    let data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    this.chunks = [data]
    if (!this.header) {
      const end = data.indexOf(10)
      if (end < 0) {
        if (data.length > MAX_HEADER) throw new Error(`no message header in the first ${MAX_HEADER} bytes`)
        return null
      }
      const line = data.subarray(0, end).toString('utf8')
      let header: unknown
      try {
        header = JSON.parse(line)
      } catch {
        throw new Error(`expected a JSON message header, got "${line.slice(0, 80)}${line.length > 80 ? '…' : ''}"`)
      }
      if (typeof header !== 'object' || header === null || typeof (header as Header).type !== 'string')
        throw new Error(`a message header needs a "type": got ${line.slice(0, 80)}`)
      this.header = header as Header
      data = data.subarray(end + 1)
      this.chunks = [data]
      this.length = data.length
    }
    const size = this.header.bytes ?? 0
    if (!Number.isInteger(size) || size < 0) throw new Error(`message "${this.header.type}": bad "bytes"`)
    if (data.length < size) return null
    const header = this.header
    const arrays = decodeArrays(header, data.subarray(0, size))
    const rest = data.subarray(size)
    this.chunks = rest.length ? [rest] : []
    this.length = rest.length
    this.header = null
    return { header, arrays }
  }
}
