import { threadId } from 'node:worker_threads'
import { z } from 'zod'
import {
  type MarketView,
  OBSERVABLE_COLUMNS,
  type Plugin,
  type PluginContext,
  type Ranker,
  type RoundFeedback,
  type Session,
  type SessionFeedback,
} from '../../../algorithms/kit/contract.ts'
import type { Slots } from '../../../algorithms/kit/slots.ts'
import { describeIssues, InputError } from '../../../core/errors.ts'
import { ASYNC_RANKER } from '../../market/plugin-harness.ts'
import { SHARED_ABOVE, SharedFile } from './shared-file.ts'
import { openTransport, type RemoteSpec, type Transport } from './transport.ts'
import { encodeParts, type Message, type TypedArray } from './wire.ts'

export const PROTOCOL_VERSION = 1

const ParamSchema = z.object({
  type: z.enum(['number', 'integer', 'boolean', 'string', 'array']),
  default: z.unknown(),
  description: z.string().optional(),
})
/** What a plugin says of itself when asked (`describe`). */
export const DescribeSchema = z.object({
  type: z.literal('describe'),
  protocol: z.literal(PROTOCOL_VERSION, `must be ${PROTOCOL_VERSION}, the protocol version this kit speaks`),
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and dashes'),
  summary: z.string('a one-line summary of the ranking rule').min(1, 'a one-line summary of the ranking rule'),
  claims: z.array(z.string()).default([]),
  params: z.record(z.string(), ParamSchema).default({}),
  mode: z.enum(['session', 'batch']).default('session'),
  feedback: z.object({ session: z.boolean().default(false), round: z.boolean().default(false) }).prefault({}),
  /** The plugin reads a message's arrays from a file when the header names one (PROTOCOL.md § large arrays). */
  shared_memory: z.boolean().default(false),
})
export type Described = z.infer<typeof DescribeSchema>

/** The zod schema of a remote plugin's parameters, built from what it described. */
function paramsSchema(params: Described['params']): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [key, p] of Object.entries(params)) {
    const base: z.ZodType = {
      number: z.number(),
      integer: z.number().int(),
      boolean: z.boolean(),
      string: z.string(),
      array: z.array(z.unknown()),
    }[p.type]
    shape[key] = (p.description ? base.describe(p.description) : base).default(p.default as never)
  }
  return z.object(shape).strict()
}

/** Asks a plugin process or service what it is, then lets it go. */
export async function describeRemote(spec: RemoteSpec): Promise<Described> {
  const transport = openTransport(spec)
  try {
    const reply = await transport.request(encodeParts({ type: 'describe', protocol: PROTOCOL_VERSION }))
    const parsed = DescribeSchema.safeParse(reply.header)
    if (!parsed.success)
      throw new InputError(
        `plugin ${spec.label} described itself wrongly (docs/PROTOCOL.md § the conversation): ` +
          describeIssues(parsed.error, 'describe'),
      )
    return parsed.data
  } catch (err) {
    if (err instanceof InputError) throw err
    throw new InputError(`plugin ${spec.label}: ${(err as Error).message}`)
  } finally {
    await transport.close()
  }
}

type Column = ArrayLike<number> & { slice(): Column; [i: number]: number }
const ENTITIES = ['categories', 'sellers', 'products'] as const

/** The observable columns: numbers as arrays, text (category names, seller ids) in the header. */
function marketColumns(
  view: MarketView,
  previous: Map<string, Column>,
): { arrays: Record<string, TypedArray>; text: Record<string, string[]> } {
  const arrays: Record<string, TypedArray> = {}
  const text: Record<string, string[]> = {}
  for (const entity of ENTITIES)
    for (const name of OBSERVABLE_COLUMNS[entity] as readonly string[]) {
      const key = `${entity}.${name}`
      const value = (view[entity] as unknown as Record<string, unknown>)[name]
      if (Array.isArray(value)) {
        // Text columns never change within a run: sent the first time only.
        if (!previous.has(key)) {
          text[key] = value as string[]
          previous.set(key, [] as unknown as Column)
        }
        continue
      }
      if (!ArrayBuffer.isView(value)) continue // generated product ids: products are their indices
      const column = value as unknown as Column
      const last = previous.get(key)
      if (last && last.length === column.length && sameValues(last, column)) continue
      previous.set(key, column.slice())
      arrays[key] = value as TypedArray
    }
  return { arrays, text }
}

function sameValues(a: Column, b: Column): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

/** Fills the engine's slots from a slate the plugin sent; what it returned is checked as any plugin's is. */
function fill(
  slots: Slots,
  products: ArrayLike<number>,
  cpc: ArrayLike<number> | undefined,
  from = 0,
  to = products.length,
) {
  for (let i = from; i < to && !slots.full; i++) slots.push(products[i], cpc ? cpc[i] : 0)
  // More than k is a contract breach the engine reports: keep the count honest.
  if (to - from > slots.capacity) slots.count = to - from
}

/**
 * A plugin living in another process or behind a URL, as the engine sees any plugin: its described
 * name, summary and parameters, and a ranker that speaks the protocol. The market goes to it before a
 * round's first ranking, as the columns that changed since it last saw them.
 */
export function remotePlugin(spec: RemoteSpec, described: Described): Plugin {
  return {
    name: described.name,
    summary: described.summary,
    claims: described.claims,
    params: paramsSchema(described.params),
    create(context: PluginContext<Record<string, unknown>>): Ranker {
      return new RemoteRanker(spec, described, context)
    },
  }
}

/** Tells apart the runs a service may serve at once (cells on several workers): one id a run, in every message. */
let runs = 0
const runId = () => `${process.pid}.${threadId}.${++runs}`

class RemoteRanker implements Ranker {
  readonly [ASYNC_RANKER] = true
  private readonly run = runId()
  /** Large arrays go through a file in shared memory when the plugin said it reads them so. */
  private readonly sharesMemory: boolean
  private shared: SharedFile | null = null
  private transport: Transport | null = null
  private readonly sent = new Map<string, Column>()
  private round = -1
  private sessions = 0
  readonly rankBatch?: (sessions: Session[], slots: Slots[]) => Promise<void>
  readonly onSession?: (feedback: SessionFeedback) => Promise<void>
  readonly observe?: (feedback: RoundFeedback) => Promise<void>

  constructor(
    private readonly spec: RemoteSpec,
    described: Described,
    private readonly context: PluginContext<Record<string, unknown>>,
  ) {
    this.sharesMemory = described.shared_memory
    if (described.mode === 'batch') this.rankBatch = (sessions, slots) => this.batch(sessions, slots)
    if (described.feedback.session) this.onSession = (f) => this.sessionFeedback(f)
    if (described.feedback.round) this.observe = (f) => this.roundFeedback(f)
  }

  private async open(kind: string): Promise<Transport> {
    if (this.transport) return this.transport
    const transport = openTransport(this.spec)
    this.transport = transport
    const { params, k } = this.context
    const start = { run: this.run, type: 'start', protocol: PROTOCOL_VERSION, params, k, seed: this.seedOf(), kind }
    await transport.request(encodeParts(start))
    return transport
  }

  /** The run's seed: the plugin's own stream is the kit's; a remote plugin seeds its own from this number. */
  private seedOf(): number {
    return Math.floor(this.context.rng() * 2 ** 31)
  }

  /** Before a round's first ranking: the market as it stands, the columns that changed since last sent. */
  private async beforeRound(round: number, kind: string): Promise<Transport> {
    const transport = await this.open(kind)
    if (round !== this.round) {
      this.round = round
      const { arrays, text } = marketColumns(this.context.market, this.sent)
      const counts = {
        categories: this.context.market.categories.count,
        sellers: this.context.market.sellers.count,
        products: this.context.market.products.count,
      }
      await transport.send(this.message({ type: 'market', round, counts, text }, arrays))
    }
    return transport
  }

  async rank(session: Session, slots: Slots): Promise<void> {
    const transport = await this.beforeRound(session.round, session.kind)
    const { round, kind, buyer, category, k, n } = session
    const reply = await transport.request(
      this.message(
        { type: 'rank', round, session: this.sessions++, kind, buyer, category, k },
        { candidates: session.candidates.subarray(0, n), relevance: session.relevance.subarray(0, n) },
      ),
    )
    expectType(reply, 'slate')
    fill(slots, reply.arrays.products ?? new Int32Array(0), reply.arrays.cpc)
  }

  /**
   * A message to send, with the run's id; its arrays in a shared file when the plugin takes them so,
   * it is a process and they are large.
   */
  private message(header: Record<string, unknown> & { type: string }, arrays: Record<string, TypedArray> = {}) {
    const size = Object.values(arrays).reduce((n, a) => n + a.byteLength, 0)
    const pid = this.transport?.pid
    if (!this.sharesMemory || pid === undefined || size < SHARED_ABOVE)
      return encodeParts({ run: this.run, ...header }, arrays)
    this.shared ??= new SharedFile(pid)
    return this.shared.write({ run: this.run, ...header }, arrays)
  }

  private async batch(sessions: Session[], slots: Slots[]): Promise<void> {
    if (sessions.length === 0) return
    const { round, kind, k } = sessions[0]
    const transport = await this.beforeRound(round, kind)
    const offsets = new Int32Array(sessions.length + 1)
    sessions.forEach((s, i) => {
      offsets[i + 1] = offsets[i] + s.n
    })
    const total = offsets[sessions.length]
    const candidates = joined(
      sessions.map((s) => s.candidates.subarray(0, s.n)),
      total,
      Int32Array,
    )
    const relevance = joined(
      sessions.map((s) => s.relevance.subarray(0, s.n)),
      total,
      Float64Array,
    )
    const buyer = Int32Array.from(sessions, (s) => s.buyer)
    const category = Int32Array.from(sessions, (s) => s.category)
    const first = this.sessions
    this.sessions += sessions.length
    const reply = await transport.request(
      this.message({ type: 'rank_batch', round, kind, k, first }, { offsets, buyer, category, candidates, relevance }),
    )
    expectType(reply, 'slates')
    const { offsets: out, products, cpc } = reply.arrays
    if (!out || out.length !== sessions.length + 1 || !products)
      throw new Error(`answered ${out ? out.length - 1 : 'no'} slates for ${sessions.length} sessions`)
    slots.forEach((s, i) => {
      fill(s, products, cpc, out[i], out[i + 1])
    })
  }

  private async sessionFeedback(f: SessionFeedback): Promise<void> {
    const { round, kind, buyer, category, purchasedSlot, retailPrice } = f
    const products = Int32Array.from({ length: f.count }, (_, i) => f.products[i])
    const cpc = Float64Array.from({ length: f.count }, (_, i) => f.cpc[i])
    const clicked = Uint8Array.from({ length: f.count }, (_, i) => f.clicked[i])
    await this.transport?.send(
      this.message(
        {
          type: 'session_feedback',
          round,
          kind,
          buyer,
          category,
          purchased_slot: purchasedSlot,
          retail_price: retailPrice,
        },
        { products, cpc, clicked },
      ),
    )
  }

  private async roundFeedback(f: RoundFeedback): Promise<void> {
    const copy = (c: ArrayLike<number>, C: Int32ArrayConstructor | Float64ArrayConstructor) => C.from(c)
    await this.transport?.send(
      this.message(
        { type: 'round_feedback', round: f.round },
        {
          impressions: copy(f.impressions, Int32Array),
          clicks: copy(f.clicks, Int32Array),
          orders: copy(f.orders, Int32Array),
          exposure: copy(f.exposure, Float64Array),
          seller_ad_spend: copy(f.sellerAdSpend, Float64Array),
        },
      ),
    )
  }

  async close(): Promise<void> {
    const transport = this.transport
    this.transport = null
    if (transport) {
      await transport.send(this.message({ type: 'shutdown' })).catch(() => {})
      await transport.close()
    }
    this.shared?.remove()
  }
}

/**
 * The sessions' arrays end to end: as they are when they are consecutive views of one buffer (the
 * engine's batch: nothing copied), else copied into one.
 */
function joined<T extends Int32Array | Float64Array>(
  parts: T[],
  total: number,
  C: { new (n: number): T; new (buffer: ArrayBufferLike, offset: number, length: number): T },
): T {
  const consecutive = parts.every(
    (p, i) =>
      i === 0 || (p.buffer === parts[0].buffer && p.byteOffset === parts[i - 1].byteOffset + parts[i - 1].byteLength),
  )
  if (consecutive) return new C(parts[0].buffer, parts[0].byteOffset, total)
  const out = new C(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function expectType(reply: Message, type: string): void {
  if (reply.header.type !== type) throw new Error(`answered "${reply.header.type}" where "${type}" was expected`)
}
