import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { stringify } from 'csv-stringify/sync'
import type { Catalog } from '../../datasets/catalog.ts'

/** What the engine knows of one session once the buyer has acted: the slots shown and what happened. */
export interface SessionOutcome {
  /** 0-based round (day). */
  readonly round: number
  /** 0-based index of the session within the whole run (unique per run). */
  readonly session: number
  /** Searched category index, or -1 for a feed visit. */
  readonly category: number
  /** Slots filled. */
  readonly count: number
  /** Product index per slot (0 .. count). */
  readonly products: Int32Array
  /** CPC per slot; > 0 marks a sponsored slot. */
  readonly cpc: Float64Array
  /** 1 if the slot was clicked. */
  readonly clicked: Uint8Array
  /** Slot index bought, or -1. */
  readonly purchasedSlot: number
  /** Retail price paid when purchasedSlot >= 0. */
  readonly retailPrice: number
}

/** The catalog columns the writer turns indices into ids with (they do not change during a run). */
export interface LogCatalog {
  products: Pick<Catalog['products'], 'id' | 'seller' | 'category'>
  sellers: Pick<Catalog['sellers'], 'id'>
  categories: Pick<Catalog['categories'], 'name'>
}

/** The columns the simulator writes, in this order (see LOG_COLUMNS in format.ts for their meaning). */
export const WRITTEN_COLUMNS = ['session_id', 'round', 'position', 'product_id', 'seller_id', 'sponsored', 'clicked', 'purchased', 'price', 'cpc', 'category', 'query_id'] as const

/** Text buffered before a chunk is compressed and written: large writes, few gzip members. */
const CHUNK_CHARS = 4 << 20
/** zlib level: 1 compresses a CSV log about 5× at several times the speed of the default 6. */
const GZIP_LEVEL = 1

/** The file name of one run's log in a results folder: impressions-ALGORITHM[-VARIANT]-seedN.csv.gz. */
export function impressionLogName(algorithm: string, variant: string, seed: number): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._=-]+/g, '_')
  return `impressions-${safe(algorithm)}${variant ? `-${safe(variant)}` : ''}-seed${seed}.csv.gz`
}

/**
 * Writes a gzip'd CSV impression log, one session at a time, in the documented format: a row per
 * filled slot, or one row with a blank position for a session that showed nothing. Call write()
 * once for every session in run order, then close(). Rows are buffered and compressed in large
 * chunks (each a gzip member; gzip readers treat the concatenation as one stream), so the cost per
 * session is building its text. The same sessions give a byte-identical file. The file appears
 * under its name only on close(); abort() leaves nothing behind.
 */
export class ImpressionLogWriter {
  private readonly temp: string
  private fd: number | null
  private readonly pending: string[] = []
  private pendingChars = 0
  /** Per product, its `product_id,seller_id` cells; per category, its name cell (CSV-quoted when needed). */
  private readonly productCells: string[]
  private readonly productCategory: Int32Array
  private readonly categoryCells: string[]

  constructor(
    readonly file: string,
    catalog: LogCatalog,
  ) {
    const cell = (text: string) => stringify([[text]], { record_delimiter: '' })
    this.productCells = catalog.products.id.map((id, p) => `${cell(id)},${cell(catalog.sellers.id[catalog.products.seller[p]])}`)
    this.productCategory = Int32Array.from(catalog.products.category)
    this.categoryCells = catalog.categories.name.map(cell)
    this.temp = `${file}.partial-${process.pid}`
    this.fd = openSync(this.temp, 'w')
    this.append(`${WRITTEN_COLUMNS.join(',')}\r\n`)
  }

  write(o: SessionOutcome): void {
    const head = `${o.session},${o.round},`
    const query = o.category >= 0 ? this.categoryCells[o.category] : ''
    if (o.count === 0) {
      this.append(`${head},,,,,,,,,${query}\r\n`)
      return
    }
    let text = ''
    for (let i = 0; i < o.count; i++) {
      const p = o.products[i]
      const sponsored = o.cpc[i] > 0
      const clicked = o.clicked[i] === 1
      const bought = i === o.purchasedSlot
      text += `${head}${i + 1},${this.productCells[p]},${sponsored ? 1 : 0},${clicked ? 1 : 0},${bought ? 1 : 0},${bought ? o.retailPrice : ''},${sponsored && clicked ? o.cpc[i] : ''},${this.categoryCells[this.productCategory[p]]},${query}\r\n`
    }
    this.append(text)
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

  private append(text: string): void {
    this.pending.push(text)
    this.pendingChars += text.length
    if (this.pendingChars >= CHUNK_CHARS) this.flush()
  }

  private flush(): void {
    if (this.pending.length === 0) return
    const chunk = gzipSync(this.pending.join(''), { level: GZIP_LEVEL })
    writeSync(this.fd!, chunk)
    this.pending.length = 0
    this.pendingChars = 0
  }
}
