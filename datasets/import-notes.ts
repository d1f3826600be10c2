import { existsSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { isMainThread } from 'node:worker_threads'
import { z } from 'zod'
import { type ImportedCatalog, RATING_PRIOR } from '../core/catalog.ts'
import { InputError, parseOrThrow } from '../core/errors.ts'
import { ScenarioNameSchema } from '../core/names.ts'

/**
 * DIR/catalog.json, optional: what the CSV files cannot say about themselves. `name` labels every
 * result file and the manifest instead of the scenario preset's name (default: the folder's name
 * when it is a valid name); `priceScale` multiplies every money column (price, unit_cost,
 * price_elsewhere, ad_budget) into dollars, e.g. an exchange rate for rupees (default 1).
 */
export const CatalogFileSchema = z
  .object({
    name: ScenarioNameSchema.optional(),
    description: z.string().optional(),
    priceScale: z.number().positive().default(1),
    /**
     * Each category's share of search sessions (bench calibrate measures it from a log); normalised. Without it,
     * categories get Zipf popularity by their product count's rank.
     */
    categoryShares: z.record(z.string(), z.number().min(0)).optional(),
  })
  .strict()

export function catalogOptions(dir: string): {
  name?: string
  priceScale: number
  categoryShares?: Record<string, number>
} {
  const file = join(dir, 'catalog.json')
  const folderName = basename(resolve(dir))
  const fallback = ScenarioNameSchema.safeParse(folderName).success ? folderName : undefined
  if (!existsSync(file)) return { name: fallback, priceScale: 1 }
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new InputError(`${file} is not valid JSON: ${(err as Error).message}`)
  }
  const options = parseOrThrow(CatalogFileSchema, data, file)
  return { name: options.name ?? fallback, priceScale: options.priceScale, categoryShares: options.categoryShares }
}

/** What an importer uses for a blank cell or an absent column, by column (the schemas' defaults, in words). */
export const SELLER_DEFAULTS: Record<string, string> = {
  archetype: 'trader',
  origin: 'local',
  delivery_days: '2 when local, 10 when cross-border',
  size_tier: 'by product count (top 5% large, next 20% medium)',
  join_round: '0 (present from the start)',
  cost_efficiency: '1',
  ad_budget: '0 (never advertises)',
  ad_skill: '0.5',
  content_skill: '0.5',
  stores: '1',
}
export const PRODUCT_DEFAULTS: Record<string, string> = {
  group: "the product's own id (no identical offers)",
  department: 'a department named in the category, else home',
  quality: '(rating − 1) / 4, else 0.5',
  unit_cost: 'half the price',
  price_elsewhere: 'the same price (no parity issue)',
  weight_lb: 'unknown (NaN)',
  repeat_rate: '0.1',
  reviews: '0',
  rating: `unknown: reviews read as ${RATING_PRIOR} stars (the prior)`,
  sales: '0',
}

/** Per column with a default: how many rows left it blank (all of them when the column is absent). */
export function defaultedColumns(
  file: string,
  rows: { raw: Record<string, string> }[],
  defaults: Record<string, string>,
): ImportedCatalog['defaulted'] {
  return Object.entries(defaults).flatMap(([column, used]) => {
    const blank = rows.filter((r) => (r.raw[column] ?? '') === '').length
    return blank > 0 ? [{ file, column, rows: blank, used }] : []
  })
}

/** How far (a factor) the median price may sit from the model's median before the importer warns. */
export const PRICE_SCALE_TOLERANCE = 10

/**
 * One line when the median price (in dollars, after priceScale) is more than PRICE_SCALE_TOLERANCE
 * times away from the model's median price: buyers, fees and bids are shaped in dollars, so prices in
 * another currency silently change the market. Suggests the power of ten that brings it back.
 */
export function priceScaleWarning(
  file: string,
  prices: ArrayLike<number>,
  modelMedian: number,
  priceScale: number,
): string | null {
  const sorted = Float64Array.from(prices).sort()
  const median = sorted[Math.floor(sorted.length / 2)]
  const factor = median / modelMedian
  if (factor <= PRICE_SCALE_TOLERANCE && factor >= 1 / PRICE_SCALE_TOLERANCE) return null
  const suggestion = 10 ** Math.round(Math.log10(1 / factor))
  const scaled = priceScale === 1 ? '' : ` after priceScale ${priceScale}`
  const threeDigits = (x: number) => Number(x.toPrecision(3))
  const times = factor > 1 ? `${threeDigits(factor)}× above` : `${threeDigits(1 / factor)}× below`
  return (
    `warning: ${file} column price: median ${Number(median.toPrecision(4))}${scaled} is ${times} the ` +
    `model's median of $${modelMedian}; if prices are not in dollars, set "priceScale" in catalog.json to the ` +
    `currency's dollar rate (${suggestion} would put the median at $${Number((median * suggestion).toPrecision(3))})`
  )
}

const warned = new Set<string>()
/**
 * Prints a warning on stderr once per process (a catalog is imported once per seed). Worker threads
 * running cells stay quiet: the main thread imported the same catalog before starting them and said it.
 */
export function warnOnce(message: string): void {
  if (warned.has(message) || !isMainThread) return
  warned.add(message)
  process.stderr.write(`${message}\n`)
}
