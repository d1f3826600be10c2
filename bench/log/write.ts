import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { stringify } from 'csv-stringify/sync'
import type { Catalog } from '../../core/catalog.ts'
import type { SessionOutcome as StreamOutcome } from '../market/stream.ts'

/** What the writer reads of one session: the slots shown and what happened (the stream's session). */
export type SessionOutcome = Pick<
  StreamOutcome,
  | 'round'
  | 'session'
  | 'category'
  | 'count'
  | 'products'
  | 'position'
  | 'sponsored'
  | 'cpc'
  | 'clicked'
  | 'purchasedSlot'
  | 'retailPrice'
>

/** The catalog columns the writer turns indices into ids with (they do not change during a run). */
export interface LogCatalog {
  products: Pick<Catalog['products'], 'id' | 'seller' | 'category'>
  sellers: Pick<Catalog['sellers'], 'id'>
  categories: Pick<Catalog['categories'], 'name'>
}

/** The columns the simulator writes, in this order (see LOG_COLUMNS in format.ts for their meaning). */
export const WRITTEN_COLUMNS = [
  'session_id',
  'round',
  'position',
  'product_id',
  'seller_id',
  'sponsored',
  'clicked',
  'purchased',
  'price',
  'cpc',
  'category',
  'query_id',
] as const

/** Bytes buffered before a chunk is compressed and written: large writes, few gzip members. */
const CHUNK_BYTES = 4 << 20
/** zlib level: 1 compresses a CSV log about 5× at several times the speed of the default 6. */
const GZIP_LEVEL = 1
const COMMA = 0x2c
const CRLF = Buffer.from('\r\n')
/** The longest text of a number written (String of a double: at most 24 characters). */
const NUMBER_BYTES = 32

/** The file name of one run's log in a results folder: impressions-ALGORITHM[-VARIANT]-seedN.csv.gz. */
export function impressionLogName(algorithm: string, variant: string, seed: number): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._=-]+/g, '_')
  return `impressions-${safe(algorithm)}${variant ? `-${safe(variant)}` : ''}-seed${seed}.csv.gz`
}

/**
 * Writes a gzip'd CSV impression log, one session at a time, in the documented format: a row per
 * filled slot, or one row with a blank position for a session that showed nothing. Call write()
 * once for every session in run order (including those that showed nothing), then close(). Rows
 * go as bytes into one buffer, compressed and written every 4 MB (each chunk a gzip member; gzip
 * readers treat the concatenation as one stream): about 0.25 µs a row. The same sessions give a
 * byte-identical file. The file appears under its name only on close(); abort() leaves nothing.
 */
export class ImpressionLogWriter {
  private readonly temp: string
  private fd: number | null
  // Rows are assembled as bytes in one reused buffer: no strings per row, so no garbage to collect.
  private readonly buffer: Buffer
  private length = 0
  /** Per product, its `product_id,seller_id` cells; per category, its name cell (CSV-quoted when needed), as UTF-8. */
  private readonly productCells: Buffer[]
  private readonly productCategory: Int32Array
  private readonly categoryCells: Buffer[]
  /** The most bytes one row can take. */
  private readonly rowBytes: number

  /**
   * @param shuffled the run shuffles each slate (market.shuffleSlates): a `propensity` column follows, 1 / the
   *   slate's size, the chance of each shown product at each position given the slate's products
   */
  constructor(
    readonly file: string,
    catalog: LogCatalog,
    private readonly shuffled = false,
  ) {
    const cell = (text: string) => Buffer.from(stringify([[text]], { record_delimiter: '' }))
    this.productCells = Array.from({ length: catalog.products.seller.length }, (_, p) =>
      Buffer.concat([
        cell(catalog.products.id.at(p)!),
        Buffer.of(COMMA),
        cell(catalog.sellers.id[catalog.products.seller[p]]),
      ]),
    )
    this.productCategory = Int32Array.from(catalog.products.category)
    this.categoryCells = catalog.categories.name.map(cell)
    const longest = (cells: Buffer[]) => cells.reduce((m, c) => Math.max(m, c.length), 0)
    this.rowBytes = longest(this.productCells) + 2 * longest(this.categoryCells) + 7 * NUMBER_BYTES + 16
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES + this.rowBytes)
    this.temp = `${file}.partial-${process.pid}`
    this.fd = openSync(this.temp, 'w')
    this.text([...WRITTEN_COLUMNS, ...(shuffled ? ['propensity'] : [])].join(','))
    this.bytes(CRLF)
  }

  write(o: SessionOutcome): void {
    const query = o.category >= 0 ? this.categoryCells[o.category] : null
    for (let i = 0; i < Math.max(1, o.count); i++) {
      if (this.length >= CHUNK_BYTES) this.flush()
      this.number(o.session)
      this.comma()
      this.number(o.round)
      this.comma()
      if (o.count === 0) {
        // A session that showed nothing: one row, blank from position to category.
        for (let c = 0; c < 9; c++) this.comma()
      } else {
        const p = o.products[i]
        const sponsored = o.sponsored[i] === 1
        const clicked = o.clicked[i] === 1
        const bought = i === o.purchasedSlot
        this.number(o.position[i])
        this.comma()
        this.bytes(this.productCells[p])
        this.comma()
        this.flag(sponsored)
        this.flag(clicked)
        this.flag(bought)
        if (bought) this.number(o.retailPrice)
        this.comma()
        if (sponsored && clicked) this.number(o.cpc[i])
        this.comma()
        this.bytes(this.categoryCells[this.productCategory[p]])
        this.comma()
      }
      if (query) this.bytes(query)
      if (this.shuffled) {
        this.comma()
        if (o.count > 0) this.number(1 / o.count)
      }
      this.bytes(CRLF)
    }
  }

  /** Writes what is buffered and moves the file into place. */
  close(): void {
    if (this.fd === null) return
    this.flush()
    closeSync(this.fd)
    this.fd = null
    renameSync(this.temp, this.file)
  }

  /** Drops the file (e.g. the run failed). */
  abort(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    rmSync(this.temp, { force: true })
  }

  private comma(): void {
    this.buffer[this.length++] = COMMA
  }

  /** A 0/1 cell and its comma. */
  private flag(on: boolean): void {
    this.buffer[this.length++] = on ? 0x31 : 0x30
    this.buffer[this.length++] = COMMA
  }

  /** Integers digit by digit; other numbers as String() writes them (the shortest text that reads back exactly). */
  private number(x: number): void {
    if (Number.isInteger(x) && x >= 0 && x < 2 ** 31) {
      let digits = 1
      for (let n = x; n >= 10; n = Math.floor(n / 10)) digits++
      let at = this.length + digits
      this.length = at
      for (let n = x; digits-- > 0; n = Math.floor(n / 10)) this.buffer[--at] = 0x30 + (n % 10)
    } else this.text(String(x))
  }

  private text(s: string): void {
    this.length += this.buffer.write(s, this.length, 'latin1')
  }

  private bytes(b: Buffer): void {
    if (b.length > 16) {
      b.copy(this.buffer, this.length)
      this.length += b.length
    } else for (let i = 0; i < b.length; i++) this.buffer[this.length++] = b[i]
  }

  private flush(): void {
    if (this.length === 0) return
    writeSync(this.fd!, gzipSync(this.buffer.subarray(0, this.length), { level: GZIP_LEVEL }))
    this.length = 0
  }
}
