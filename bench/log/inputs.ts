import { z } from 'zod'
import { ARCHETYPES, SIZE_TIERS } from '../../core/catalog.ts'
import { numberCell, readCsv, textCell } from '../../core/csv.ts'
import { InputError } from '../../core/errors.ts'

/**
 * The optional side files of `bench metrics`: --sellers (who the sellers are) and --products (which
 * seller and category each product belongs to). Both are small (one row per seller or product) and
 * read whole. A run's own sellers.csv is a valid --sellers file: its key columns pick one run.
 */

/** Seller attributes a log cannot carry; each column, when present, needs a value for every seller. */
export const SELLER_ATTRIBUTES = ['join_round', 'size_tier', 'archetype', 'active_at_end'] as const
export type SellerAttribute = (typeof SELLER_ATTRIBUTES)[number]

const SellerFileRow = z.object({
  seller_id: z.string().min(1),
  join_round: numberCell(z.number().int().min(0).optional()),
  size_tier: textCell(z.enum(SIZE_TIERS).optional()),
  archetype: textCell(z.enum(ARCHETYPES).optional()),
  active_at_end: numberCell(z.union([z.literal(0), z.literal(1)], { error: 'expected 0 or 1' }).optional()),
  // The keys of a run's sellers.csv.
  algorithm: textCell(z.string().optional()),
  variant: textCell(z.string().default('')),
  seed: numberCell(z.number().int().optional()),
})

const ProductFileRow = z.object({
  product_id: z.string().min(1),
  seller_id: z.string().min(1),
  category: textCell(z.string().optional()),
})

export interface SellerInfo {
  file: string
  /** The run whose rows were taken from a results folder's sellers.csv (`algorithm[/variant]@seed`), else null. */
  run: string | null
  id: string[]
  /** Each attribute's column, or null when the file does not have it. Codes index SIZE_TIERS and ARCHETYPES. */
  joinRound: Int32Array | null
  sizeTier: Uint8Array | null
  archetype: Uint8Array | null
  activeAtEnd: Uint8Array | null
}

export interface ProductInfo {
  file: string
  id: string[]
  seller: string[]
  category: string[] | null
}

/** How a run is named in a results folder's sellers.csv: `amazon@1`, `amazon/priceParity=false@1`. */
export const runLabel = (algorithm: string, variant: string, seed: number) =>
  `${algorithm}${variant ? `/${variant}` : ''}@${seed}`

/** A column that is present must have a value on every row: a half-filled one would skew shares silently. */
function requireFilled<R>(
  file: string,
  columns: readonly string[],
  rows: { line: number; row: R }[],
  names: readonly (keyof R & string)[],
): void {
  for (const name of names) {
    if (!columns.includes(name)) continue
    const blank = rows.find((r) => r.row[name] === undefined)
    if (blank)
      throw new InputError(
        `${file} line ${blank.line}, column ${name}: blank, but when the column is present every row needs a value`,
      )
  }
}

/**
 * --sellers FILE: seller_id plus any of join_round, size_tier, archetype, active_at_end; other columns
 * are ignored. When the file holds several runs (a results folder's sellers.csv), `run` or else
 * the log's name picks one.
 */
export function readSellers(file: string, run: string | undefined, name: string | undefined): SellerInfo {
  const { columns, rows: all } = readCsv(file, ['seller_id'], SellerFileRow)
  let rows = all
  let chosen: string | null = null
  if (columns.includes('algorithm') && columns.includes('seed')) {
    const runs = new Map<string, typeof all>()
    for (const r of all) {
      if (r.row.algorithm === undefined || r.row.seed === undefined)
        throw new InputError(`${file} line ${r.line}: blank algorithm or seed in a results folder's sellers.csv`)
      const label = runLabel(r.row.algorithm, r.row.variant, r.row.seed)
      const list = runs.get(label) ?? []
      list.push(r)
      runs.set(label, list)
    }
    const labels = [...runs.keys()]
    const byName = labels.filter((l) => runs.get(l)![0].row.algorithm === name)
    chosen = run ?? (labels.length === 1 ? labels[0] : byName.length === 1 ? byName[0] : null)
    if (chosen === null || !runs.has(chosen)) {
      const why = run ? `has no run ${run}` : `holds ${labels.length} runs`
      throw new InputError(`${file} ${why}: choose one with --sellers-run (one of ${labels.join(', ')})`)
    }
    rows = runs.get(chosen)!
  } else if (run)
    throw new InputError(
      `--sellers-run ${run}: ${file} is not a results folder's sellers.csv (it has no algorithm and seed columns)`,
    )
  if (rows.length === 0) throw new InputError(`${file} has a header but no sellers`)
  requireFilled(file, columns, rows, SELLER_ATTRIBUTES)
  const seen = new Set<string>()
  for (const { line, row } of rows) {
    if (seen.has(row.seller_id))
      throw new InputError(`${file} line ${line}, column seller_id: seller "${row.seller_id}" appears twice`)
    seen.add(row.seller_id)
  }
  const has = (c: SellerAttribute) => columns.includes(c)
  return {
    file,
    run: chosen,
    id: rows.map((r) => r.row.seller_id),
    joinRound: has('join_round') ? Int32Array.from(rows, (r) => r.row.join_round!) : null,
    sizeTier: has('size_tier') ? Uint8Array.from(rows, (r) => SIZE_TIERS.indexOf(r.row.size_tier!)) : null,
    archetype: has('archetype') ? Uint8Array.from(rows, (r) => ARCHETYPES.indexOf(r.row.archetype!)) : null,
    activeAtEnd: has('active_at_end') ? Uint8Array.from(rows, (r) => r.row.active_at_end!) : null,
  }
}

/**
 * --products FILE: product_id, seller_id and optionally category (a catalog's products.csv fits).
 * Its row order is the catalog order that breaks ties in rank_persistence's top-10 lists.
 */
export function readProducts(file: string, sellers: SellerInfo | null): ProductInfo {
  const { columns, rows } = readCsv(file, ['product_id', 'seller_id'], ProductFileRow)
  if (rows.length === 0) throw new InputError(`${file} has a header but no products`)
  requireFilled(file, columns, rows, ['category'])
  const known = sellers ? new Set(sellers.id) : null
  const seen = new Set<string>()
  for (const { line, row } of rows) {
    if (seen.has(row.product_id))
      throw new InputError(`${file} line ${line}, column product_id: product "${row.product_id}" appears twice`)
    seen.add(row.product_id)
    if (known && !known.has(row.seller_id))
      throw new InputError(
        `${file} line ${line}, column seller_id: seller "${row.seller_id}" is not in ${sellers!.file}`,
      )
  }
  return {
    file,
    id: rows.map((r) => r.row.product_id),
    seller: rows.map((r) => r.row.seller_id),
    category: columns.includes('category') ? rows.map((r) => r.row.category!) : null,
  }
}
