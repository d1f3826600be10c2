import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { firstInvalidUtf8, Utf8Guard } from '../core/utf8.ts'

/** Pushes the bytes through a guard in the given chunks; resolves to the bytes out or rejects. */
async function guard(chunks: Uint8Array[]): Promise<Buffer> {
  const out: Buffer[] = []
  await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c))),
    new Utf8Guard('f.csv'),
    new Writable({
      write(chunk, _enc, done) {
        out.push(chunk)
        done()
      },
    }),
  )
  return Buffer.concat(out)
}

describe('UTF-8 inputs', () => {
  it('locates the first byte that is not UTF-8 by line and column', () => {
    expect(firstInvalidUtf8(Buffer.from('a,b\nc,d\n'))).toBeNull()
    expect(firstInvalidUtf8(Buffer.from('a,b\ncafé\n', 'latin1'))).toEqual({ line: 2, column: 4, byte: 0xe9 })
    // A sequence cut off by a newline, and a stray continuation byte.
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x0a, 0xc3, 0x0a]))).toMatchObject({ line: 2, column: 1 })
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x80]))).toMatchObject({ line: 1, column: 2, byte: 0x80 })
  })

  it('a stream guard passes UTF-8 through unchanged even when a character spans chunks', async () => {
    const text = Buffer.from('id,name\n1,café\n2,naïve\n')
    const at = text.indexOf(0xc3) + 1
    expect(await guard([text.subarray(0, at), text.subarray(at)])).toEqual(text)
  })

  it('a line longer than many chunks is checked as it comes, a character split anywhere', async () => {
    const line = Buffer.from(`${'é'.repeat(5000)}x\n`)
    const chunks = Array.from({ length: Math.ceil(line.length / 7) }, (_, i) => line.subarray(7 * i, 7 * i + 7))
    expect(await guard(chunks)).toEqual(line)
    const bad = Buffer.concat([Buffer.from('é'.repeat(3000)), Buffer.from([0xe9]), Buffer.from('\n')])
    const split = Array.from({ length: Math.ceil(bad.length / 5) }, (_, i) => bad.subarray(5 * i, 5 * i + 5))
    await expect(guard(split)).rejects.toThrowError(/line 1, column 6001: not valid UTF-8 \(byte 0xE9\)/)
  })

  it('a stream guard fails on the line of a Latin-1 byte in a later chunk', async () => {
    const good = Buffer.from('id,name\n1,cafe\n')
    const bad = Buffer.from('2,caf\xe8\n', 'latin1')
    await expect(guard([good, bad])).rejects.toThrowError(/f\.csv line 3, column 6: not valid UTF-8 \(byte 0xE8\)/)
  })
})
