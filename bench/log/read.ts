import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { type Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { parse } from 'csv-parse'
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type ColumnData,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { InputError } from '../../core/errors.ts'
import { Utf8Guard } from '../../core/utf8.ts'
import { LOG_COLUMN_NAMES } from './format.ts'

export type LogFormat = 'csv' | 'csv.gz' | 'parquet'

/** What a log reader hands on: the header once, then each row's cells in header order. */
export interface RowVisitor {
  header(columns: readonly string[]): void
  row(cells: readonly unknown[]): void
}

/**
 * A log file read in one streaming pass. Memory stays flat: CSV is parsed chunk by chunk (gzip
 * inflated on the way); Parquet is read one row group at a time. `where()` names the row being
 * visited (file and line, or file, row group and row), for error messages.
 */
export interface LogSource {
  readonly file: string
  readonly format: LogFormat
  read(visitor: RowVisitor): Promise<void>
  where(): string
}

/** The format from the file's first bytes (gzip and Parquet have magic numbers), not its name. */
export function detectFormat(file: string): LogFormat {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const magic = Buffer.alloc(4)
  const got = readSync(fd, magic, 0, 4, 0)
  closeSync(fd)
  if (got >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return 'csv.gz'
  if (got === 4 && magic.toString('latin1') === 'PAR1') return 'parquet'
  return 'csv'
}

export function openLog(file: string): LogSource {
  const format = detectFormat(file)
  return format === 'parquet' ? new ParquetSource(file) : new CsvSource(file, format)
}

class CsvSource implements LogSource {
  /** 1-based line where the current record starts (records may span lines inside quotes). */
  private line = 0
  constructor(
    readonly file: string,
    readonly format: 'csv' | 'csv.gz',
  ) {}

  where(): string {
    return `${this.file} line ${this.line}`
  }

  async read(visitor: RowVisitor): Promise<void> {
    let next = 1
    let width = -1
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 1024,
      write: (record: string[], _encoding, done) => {
        this.line = next
        next++
        for (let i = 0; i < record.length; i++) if (record[i].includes('\n')) next += record[i].split('\n').length - 1
        try {
          // An empty line parses as one empty field: skip it, as a trailing newline at the end is common.
          if (record.length === 1 && record[0] === '') return done()
          if (width < 0) {
            width = record.length
            visitor.header(record.map((c) => c.trim()))
          } else if (record.length !== width) {
            throw new InputError(`${this.where()}: ${record.length} fields, but the header has ${width}`)
          } else visitor.row(record)
          done()
        } catch (err) {
          done(err as Error)
        }
      },
    })
    const stages: (Readable | Writable)[] = [createReadStream(this.file, { highWaterMark: 1 << 20 })]
    if (this.format === 'csv.gz') stages.push(createGunzip())
    stages.push(new Utf8Guard(this.file))
    try {
      await pipeline([...stages, parse({ relax_column_count: true, bom: true }), sink] as unknown as [
        Readable,
        Writable,
      ])
    } catch (err) {
      if (err instanceof InputError) throw err
      const e = err as Error & { code?: string }
      if (e.code?.startsWith('CSV_')) throw new InputError(`${this.file} is not valid CSV: ${e.message}`)
      if (e.code?.startsWith('Z_')) throw new InputError(`${this.file} is not a valid gzip file: ${e.message}`)
      throw new InputError(`cannot read ${this.file}: ${e.code ?? e.message}`)
    }
    if (width < 0) throw new InputError(`${this.file} is empty: expected a header row`)
  }
}

class ParquetSource implements LogSource {
  readonly format = 'parquet'
  private group = 0
  private rowInGroup = 0
  private groupStart = 0
  constructor(readonly file: string) {}

  where(): string {
    return (
      `${this.file} row group ${this.group}, row ${this.rowInGroup + 1} ` +
      `(row ${this.groupStart + this.rowInGroup + 1} of the file)`
    )
  }

  async read(visitor: RowVisitor): Promise<void> {
    let buffer: AsyncBuffer
    let metadata: FileMetaData
    try {
      buffer = await asyncBufferFromFile(this.file)
      metadata = await parquetMetadataAsync(buffer)
    } catch (err) {
      throw new InputError(`${this.file} is not a readable Parquet file: ${(err as Error).message}`)
    }
    const all = parquetSchema(metadata).children.map((c) => c.element.name)
    visitor.header(all)
    // Only the log's own columns are decoded (the others' cells stay undefined): a warehouse export often carries many
    // more.
    const columns = all.filter((c) => LOG_COLUMN_NAMES.includes(c))
    const position = columns.map((c) => all.indexOf(c))
    let start = 0
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const end = start + Number(metadata.row_groups[g].num_rows)
      this.group = g
      this.groupStart = start
      this.rowInGroup = 0
      // Column by column (no row objects from the reader), one row group at a time: memory is
      // bounded by the largest row group, not the file.
      const chunks: ColumnData[][] = columns.map(() => [])
      try {
        await parquetRead({
          file: buffer,
          metadata,
          columns,
          rowStart: start,
          rowEnd: end,
          compressors,
          onChunk: (c) => chunks[columns.indexOf(c.columnName)].push(c),
        })
      } catch (err) {
        throw new InputError(`${this.file} row group ${g}: cannot decode: ${(err as Error).message}`)
      }
      const cells: unknown[] = new Array(all.length)
      const at = new Int32Array(columns.length)
      for (let row = start; row < end; row++) {
        this.rowInGroup = row - start
        for (let c = 0; c < columns.length; c++) {
          let chunk = chunks[c][at[c]]
          while (chunk && row >= chunk.rowEnd) chunk = chunks[c][++at[c]]
          cells[position[c]] = chunk && row >= chunk.rowStart ? chunk.columnData[row - chunk.rowStart] : undefined
        }
        visitor.row(cells)
      }
      start = end
    }
  }
}
