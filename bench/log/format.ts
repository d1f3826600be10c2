import { z } from 'zod'
import { examinationWeights } from '../../algorithms/kit/attention.ts'
import { InputError } from '../../core/errors.ts'

/**
 * The impression log: one row per product shown in a slot of a session, plus one row with a blank
 * position for a session that showed nothing (so it still counts in conversion_rate). Rows are in
 * round order and the rows of one session are consecutive (ORDER BY round, session_id, position).
 * Cells come from CSV (text) or Parquet (numbers, bigints, booleans, text), so every cell schema
 * accepts both.
 */
export interface LogColumn {
  name: string
  required: boolean
  definition: string
}

export const LOG_COLUMNS: readonly LogColumn[] = [
  {
    name: 'session_id',
    required: true,
    definition: 'A buyer visit (text), unique within its round; the rows of one session are consecutive.',
  },
  {
    name: 'round',
    required: true,
    definition: 'Period index, 0-based (a day: 0, 1, …); rows are in non-decreasing round order.',
  },
  {
    name: 'position',
    required: true,
    definition: '1-based slot position; blank on the one row of a session that showed nothing.',
  },
  { name: 'product_id', required: true, definition: "The product shown (blank on an empty session's row)." },
  { name: 'seller_id', required: true, definition: 'Its seller; a product always has the same seller.' },
  { name: 'sponsored', required: true, definition: '1 if the slot was sold as an ad, else 0 (blank = 0).' },
  { name: 'clicked', required: true, definition: '1 if the buyer clicked the slot, else 0 (blank = 0).' },
  {
    name: 'purchased',
    required: true,
    definition: '1 if the buyer bought the product from this slot, else 0 (blank = 0).',
  },
  {
    name: 'price',
    required: true,
    definition: 'Retail price paid, in dollars; required when purchased = 1, read only then.',
  },
  {
    name: 'cpc',
    required: true,
    definition: 'Cost of the click, in dollars; required on a sponsored click, read only there.',
  },
  {
    name: 'category',
    required: false,
    definition:
      "The product's category (text); when the column is present every impression row needs it. Enables " +
      'rank_persistence.',
  },
  {
    name: 'query_id',
    required: false,
    definition: 'The query or search intent (text); kept for the user, not used by the metrics.',
  },
  {
    name: 'relevance',
    required: false,
    definition:
      'Graded relevance judgement ≥ 0 of the shown product for the session; when present, every impression row ' +
      'needs it. Enables ndcg_at_10.',
  },
  {
    name: 'propensity',
    required: false,
    definition:
      "The logging policy's probability of showing this product at this position in this session, in (0, 1]; " +
      'when present, every impression row needs it. Enables the importance-weighted estimates of bench rerank.',
  },
]
export const LOG_COLUMN_NAMES = LOG_COLUMNS.map((c) => c.name)
export const REQUIRED_LOG_COLUMNS = LOG_COLUMNS.filter((c) => c.required).map((c) => c.name)

/** Rounds are period indices; a larger one is almost surely a date (20240131) given by mistake. */
export const MAX_ROUND = 100_000

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '')
const toNumber = (v: unknown) =>
  isBlank(v) ? undefined : typeof v === 'string' ? Number(v) : typeof v === 'bigint' ? Number(v) : v
export const numberValue = <T extends z.ZodType>(schema: T) => z.preprocess(toNumber, schema)
export const textValue = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) =>
      isBlank(v)
        ? undefined
        : typeof v === 'string'
          ? v.trim()
          : typeof v === 'number' || typeof v === 'bigint'
            ? String(v)
            : v,
    schema,
  )
/** 0/1 flags: "0"/"1" in CSV; 0/1 or false/true in Parquet; blank is 0. */
const flagValue = z.preprocess(
  (v) => (isBlank(v) ? 0 : typeof v === 'boolean' ? Number(v) : toNumber(v)),
  z.union([z.literal(0), z.literal(1)], { error: 'expected 0 or 1' }),
)

export const ImpressionRowSchema = z
  .object({
    session_id: textValue(z.string({ error: 'expected a session id' })),
    round: numberValue(
      z
        .number({ error: 'expected a whole number ≥ 0' })
        .int()
        .min(0)
        .max(MAX_ROUND, `expected a 0-based period index up to ${MAX_ROUND} (days since the log's start, not a date)`),
    ),
    position: numberValue(
      z
        .number({ error: 'expected a whole number ≥ 1 (or blank for a session that showed nothing)' })
        .int()
        .min(1)
        .optional(),
    ),
    product_id: textValue(z.string().optional()),
    seller_id: textValue(z.string().optional()),
    sponsored: flagValue,
    clicked: flagValue,
    purchased: flagValue,
    price: numberValue(z.number({ error: 'expected a price in dollars' }).min(0).optional()),
    cpc: numberValue(z.number({ error: 'expected a CPC in dollars' }).min(0).optional()),
    category: textValue(z.string().optional()),
    query_id: textValue(z.string().optional()),
    relevance: numberValue(z.number({ error: 'expected a relevance judgement ≥ 0' }).min(0).optional()),
    propensity: numberValue(
      z
        .number({ error: 'expected a probability in (0, 1]' })
        .gt(0, 'expected a probability in (0, 1]: a product the logging policy never shows there cannot be logged')
        .max(1, 'expected a probability in (0, 1]')
        .optional(),
    ),
  })
  .superRefine((r, ctx) => {
    const problem = rowProblem(r)
    if (problem) ctx.addIssue({ code: 'custom', path: [problem[0]], message: problem[1] })
  })
export type ImpressionRow = z.infer<typeof ImpressionRowSchema>

/** The rules between a row's cells, as [column, what is wrong], or null. */
function rowProblem(r: ImpressionRow): [string, string] | null {
  if (r.position === undefined) {
    if (r.product_id !== undefined)
      return ['product_id', 'a blank position marks a session that showed nothing, so the row names no product']
    if (r.sponsored || r.clicked || r.purchased)
      return [
        r.sponsored ? 'sponsored' : r.clicked ? 'clicked' : 'purchased',
        'a session that showed nothing has no sponsored slot, click or purchase',
      ]
    return null
  }
  if (r.product_id === undefined) return ['product_id', 'required on an impression row (one with a position)']
  if (r.seller_id === undefined) return ['seller_id', 'required on an impression row (one with a position)']
  if (r.purchased && !r.clicked)
    return ['purchased', 'a purchase without a click on the same row (clicked = 0): a buyer buys what it clicked']
  if (r.purchased && r.price === undefined) return ['price', 'required when purchased = 1 (the retail price paid)']
  if (r.sponsored && r.clicked && r.cpc === undefined)
    return ['cpc', 'required on a sponsored click (sponsored = 1, clicked = 1)']
  return null
}

/**
 * Exposure weight of an impression at 1-based position r: the buyer's chance of examining it.
 * `log2` is the kit's own model (algorithms/kit/attention.ts); `reciprocal` and `none` are the
 * usual alternatives; a comma-separated list gives measured weights for positions 1, 2, …
 * (positions past its end weigh 0).
 */
export const POSITION_BIAS_MODELS = {
  log2: "1/log2(r+1), the kit's examination model (default)",
  reciprocal: '1/r',
  none: '1 at every position (exposure = impressions)',
} as const

export class PositionWeights {
  private table: Float64Array = new Float64Array(0)
  private constructor(
    readonly spec: string,
    private readonly extend: (k: number) => Float64Array,
    private readonly fixed: boolean,
  ) {}

  static parse(spec: string): PositionWeights {
    if (spec === 'log2') return new PositionWeights(spec, examinationWeights, false)
    if (spec === 'reciprocal')
      return new PositionWeights(spec, (k) => Float64Array.from({ length: k }, (_, i) => 1 / (i + 1)), false)
    if (spec === 'none') return new PositionWeights(spec, (k) => new Float64Array(k).fill(1), false)
    const list = spec.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)))
    if (list.some((w) => !Number.isFinite(w) || w < 0))
      throw new InputError(
        `--position-bias ${spec}: expected ${Object.keys(POSITION_BIAS_MODELS).join(', ')} or a comma-separated ` +
          `list of weights ≥ 0 for positions 1, 2, …`,
      )
    const weights = Float64Array.from(list)
    const w = new PositionWeights(spec, () => weights, true)
    w.table = weights
    return w
  }

  /** The weight of 1-based position r. */
  at(r: number): number {
    if (r <= this.table.length) return this.table[r - 1]
    if (this.fixed) return 0
    this.table = this.extend(Math.max(r, 2 * this.table.length, 64))
    return this.table[r - 1]
  }
}
