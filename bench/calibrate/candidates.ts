import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { InputError } from '../../core/errors.ts'
import { MAX_ROUND, numberValue, textValue } from '../log/format.ts'
import { openLog } from '../log/read.ts'

/**
 * --candidates FILE: the retrieval set of each logged session (what a ranker could have shown, not
 * only what it did), one row per candidate: `session_id`, `round`, `product_id`, and `relevance` when
 * the log has that column. Rows of one session are consecutive and sessions come in the log's order
 * (a session may be left out: it keeps only the products it showed). CSV, gzip'd CSV or Parquet, read
 * once into a binary spool (memory flat in the file's length) and then walked beside the log.
 */
const CandidateRow = z.object({
  session_id: textValue(z.string({ error: 'expected a session id' })),
  round: numberValue(z.number({ error: 'expected a whole number ≥ 0' }).int().min(0).max(MAX_ROUND)),
  product_id: textValue(z.string({ error: 'expected a product id' })),
  relevance: numberValue(z.number({ error: 'expected a relevance ≥ 0' }).min(0).optional()),
})
const REQUIRED = ['session_id', 'round', 'product_id'] as const

/** One session's candidates, in catalog numbering (arrays reused: read them during the walk). */
export interface CandidateBlock {
  round: number
  id: string
  count: number
  products: Int32Array
  relevance: Float64Array
}

export class CandidateSets {
  private readonly dir = mkdtempSync(join(tmpdir(), 'trafficbench-candidates-'))
  private readonly file = join(this.dir, 'candidates.bin')
  sessions = 0

  private constructor(readonly source: string) {}

  /**
   * Reads and checks the file: each product must be in the catalog (`productIndex`), once per session;
   * with `needRelevance` every row needs a relevance.
   */
  static async read(
    source: string,
    productIndex: (id: string) => number | undefined,
    needRelevance: boolean,
  ): Promise<CandidateSets> {
    const sets = new CandidateSets(source)
    try {
      await sets.fill(productIndex, needRelevance)
      return sets
    } catch (err) {
      sets.remove()
      throw err
    }
  }

  private async fill(productIndex: (id: string) => number | undefined, needRelevance: boolean): Promise<void> {
    const log = openLog(this.source)
    const fd = openSync(this.file, 'w')
    let col: Record<string, number> = {}
    let block: { round: number; id: string; products: number[]; relevance: number[] } | null = null
    const inBlock = new Set<number>()
    const seenInRound = new Set<string>()
    const fail = (column: string, message: string) =>
      new InputError(`--candidates ${log.where()}, column ${column}: ${message}`)
    const flush = () => {
      if (!block) return
      const id = Buffer.from(block.id, 'utf8')
      const head = Buffer.alloc(12)
      head.writeInt32LE(block.round, 0)
      head.writeInt32LE(block.products.length, 4)
      head.writeInt32LE(id.length, 8)
      const body = Buffer.alloc(block.products.length * 12)
      block.products.forEach((p, i) => {
        body.writeInt32LE(p, i * 4)
      })
      block.relevance.forEach((r, i) => {
        body.writeDoubleLE(r, block!.products.length * 4 + i * 8)
      })
      writeSync(fd, Buffer.concat([head, id, body]))
      this.sessions++
    }
    try {
      await log.read({
        header: (columns) => {
          const missing = REQUIRED.filter((c) => !columns.includes(c))
          if (missing.length)
            throw new InputError(
              `--candidates ${this.source}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
                `(columns found: ${columns.join(', ')})`,
            )
          if (needRelevance && !columns.includes('relevance'))
            throw new InputError(
              `--candidates ${this.source}: the log has a relevance column, so the candidates need one too`,
            )
          col = Object.fromEntries(
            ['session_id', 'round', 'product_id', 'relevance'].map((c) => [c, columns.indexOf(c)]),
          )
        },
        row: (cells) => {
          const raw = Object.fromEntries(Object.entries(col).map(([c, i]) => [c, i >= 0 ? cells[i] : undefined]))
          const parsed = CandidateRow.safeParse(raw)
          if (!parsed.success) {
            const issue = parsed.error.issues[0]
            throw fail(String(issue.path[0] ?? ''), issue.message)
          }
          const r = parsed.data
          if (needRelevance && r.relevance === undefined) throw fail('relevance', 'blank: every candidate needs one')
          if (!block || block.round !== r.round || block.id !== r.session_id) {
            if (block && r.round < block.round)
              throw fail('round', `rows must be in round order, but round ${block.round} came before`)
            if (block && r.round !== block.round) seenInRound.clear()
            if (seenInRound.has(r.session_id))
              throw fail(
                'session_id',
                `session "${r.session_id}" had rows earlier in the round: keep its rows together`,
              )
            flush()
            seenInRound.add(r.session_id)
            block = { round: r.round, id: r.session_id, products: [], relevance: [] }
            inBlock.clear()
          }
          const p = productIndex(r.product_id)
          if (p === undefined)
            throw fail('product_id', `product "${r.product_id}" is in neither the log nor --products`)
          if (inBlock.has(p))
            throw fail('product_id', `product "${r.product_id}" is a candidate twice in session "${r.session_id}"`)
          inBlock.add(p)
          block.products.push(p)
          block.relevance.push(r.relevance ?? 0)
        },
      })
      flush()
    } finally {
      closeSync(fd)
    }
  }

  /**
   * A walk beside the log: take(round, id) gives the session's block, or null when the file leaves it
   * out; a block the log has passed by is an error (a session not in the log, or out of its order).
   */
  cursor() {
    const blocks = this.blocks()
    // The block taken last stays valid until the next take: the generator reuses its object, so it moves on only then.
    let next = blocks.next()
    let taken = false
    const advance = () => {
      if (taken) next = blocks.next()
      taken = false
    }
    const passed = (b: CandidateBlock) =>
      new InputError(
        `--candidates ${this.source}: session "${b.id}" of round ${b.round} is not in the log, or the file's ` +
          "sessions are not in the log's order",
      )
    return {
      take: (round: number, id: string): CandidateBlock | null => {
        advance()
        if (next.done) return null
        const b = next.value
        if (b.round < round) throw passed(b)
        if (b.round !== round || b.id !== id) return null
        taken = true
        return b
      },
      end: () => {
        advance()
        if (!next.done) throw passed(next.value)
      },
    }
  }

  private *blocks(): Generator<CandidateBlock> {
    const fd = openSync(this.file, 'r')
    const block: CandidateBlock = {
      round: 0,
      id: '',
      count: 0,
      products: new Int32Array(64),
      relevance: new Float64Array(64),
    }
    const head = Buffer.alloc(12)
    let at = 0
    try {
      while (readSync(fd, head, 0, 12, at) === 12) {
        const count = head.readInt32LE(4)
        const idLength = head.readInt32LE(8)
        const body = Buffer.alloc(idLength + count * 12)
        readSync(fd, body, 0, body.length, at + 12)
        at += 12 + body.length
        if (count > block.products.length) {
          block.products = new Int32Array(count)
          block.relevance = new Float64Array(count)
        }
        block.round = head.readInt32LE(0)
        block.count = count
        block.id = body.toString('utf8', 0, idLength)
        for (let i = 0; i < count; i++) {
          block.products[i] = body.readInt32LE(idLength + i * 4)
          block.relevance[i] = body.readDoubleLE(idLength + count * 4 + i * 8)
        }
        yield block
      }
    } finally {
      closeSync(fd)
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
