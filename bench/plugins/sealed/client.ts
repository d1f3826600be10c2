import { spawnSync } from 'node:child_process'
import { deserialize, serialize } from 'node:v8'
import { Worker } from 'node:worker_threads'
import { OBSERVABLE_COLUMNS, type PlatformRules, type Ranker, type Session } from '../../../algorithms/kit/contract.ts'
import type { Slots } from '../../../algorithms/kit/slots.ts'
import type { Catalog } from '../../../core/catalog.ts'
import { type BoundaryInputs, type PluginBoundary, ROUND_COLUMNS, type SealedPlugin } from '../../market/boundary.ts'
import type { SessionOutcome } from '../../market/stream.ts'
import { childWatch, limited } from '../remote/transport.ts'
import { hostBundle, pluginBundle } from './bundle.ts'
import type { HostReply, HostRequest, Mirror, PlainSession, QueuedCall, Slate } from './messages.ts'

const [IDLE, REQUEST, SENT, ERROR, CLOSE] = [0, 1, 2, 4, 5]
/** The channel's size: the largest message, the whole observable market at the start, must fit (~120 B a product). */
const channelBytes = (m: Catalog) => Math.max(64 * 2 ** 20, 256 * (m.products.count + m.sellers.count))

/**
 * Namespaces of its own, where the kernel allows them to an unprivileged user (Linux): no network, and no view of
 * other processes (a pid namespace: it cannot signal them).
 */
const UNSHARE = ['unshare', '-rnp', '--fork']
let unshareWorks: boolean | undefined
function namespaced(command: string[]): string[] {
  unshareWorks ??= spawnSync(UNSHARE[0], [...UNSHARE.slice(1), 'true']).status === 0
  return unshareWorks ? [...UNSHARE, ...command] : command
}

/** What a sealed plugin is: its name and whether it reads the truth, as its own process reports them. */
export interface SealedLoad {
  name: string
  truth: boolean
  sealed: SealedPlugin
}

/**
 * Starts a plugin file in a process of its own (bench run --sealed): Node's permission model lets it read its two
 * bundles and the files it declares, nothing else, start no process or thread; on Linux it also gets no network.
 * The engine calls it synchronously through a courier thread (bridge.mjs) and a SharedArrayBuffer.
 */
export function startSealed(
  file: string,
  params: Record<string, unknown>,
  readable: readonly string[],
  market: Catalog,
): SealedLoad {
  const { channel, bundle } = sealedProcess(file, readable, channelBytes(market))
  const loaded = channel.call({ type: 'load', bundle, params })
  const rules = loaded.platform ? rulesOver(channel, loaded.rules as BaseRules) : undefined
  return {
    name: loaded.name as string,
    truth: loaded.truth === true,
    sealed: { rules, channelBytes: channel.bytes, open: (inputs) => new SealedBoundary(channel, inputs, file) },
  }
}

/** A plugin file's own process, started and registered with its cell (a plugin that hangs as it loads is stopped). */
export function sealedProcess(file: string, readable: readonly string[], bytes: number) {
  const host = hostBundle()
  const bundle = pluginBundle(file)
  const reads = [host, bundle, ...readable].map((f) => `--allow-fs-read=${f}`)
  const node = [process.execPath, '--experimental-permission', '--no-warnings', ...reads, host]
  const channel = new Channel(limited(namespaced(node)), bytes)
  const pid = channel.pid()
  if (pid > 1) childWatch.started?.(pid)
  return { channel, bundle }
}

type BaseRules = Pick<PlatformRules, 'sessionKind' | 'priceFirst' | 'retailMarkup'>

/** The rules the process computed, as functions the engine calls synchronously; each distinct question asked once. */
export function rulesOver(channel: Channel, base: BaseRules): Partial<PlatformRules> {
  const memo = new Map<string, number>()
  const rule =
    (name: 'referralRate' | 'fulfilmentFee' | 'deliveryDays') =>
    (...args: unknown[]): number => {
      const key = `${name}\u0000${args.join('\u0000')}`
      if (!memo.has(key)) memo.set(key, channel.call({ type: 'rule', rule: name, args }).value as number)
      return memo.get(key)!
    }
  return {
    ...base,
    referralRate: rule('referralRate'),
    fulfilmentFee: rule('fulfilmentFee'),
    deliveryDays: rule('deliveryDays'),
  }
}

/** The engine's end of the channel: one request at a time, answered before the call returns. */
export class Channel {
  private readonly ctrl: Int32Array
  private readonly data: Uint8Array
  private readonly worker: Worker
  queue: QueuedCall[] = []

  constructor(command: string[], bytes: number) {
    const control = new SharedArrayBuffer(16)
    const data = new SharedArrayBuffer(bytes)
    this.ctrl = new Int32Array(control)
    this.data = new Uint8Array(data)
    this.worker = new Worker(new URL('./bridge.mjs', import.meta.url), {
      workerData: { command, args: [], control, data },
    })
    this.worker.unref()
  }

  /** The process's pid as the courier started it (waited for: the courier spawns it first thing). */
  pid(): number {
    while (Atomics.load(this.ctrl, 2) === 0) Atomics.wait(this.ctrl, 2, 0, 1000)
    return Atomics.load(this.ctrl, 2)
  }

  /** The channel's own memory, which is not the cell's (peak_memory_mb and --cell-memory leave it out). */
  get bytes(): number {
    return this.data.length
  }

  call(request: HostRequest): HostReply {
    const body = serialize({ ...request, queued: this.queue })
    this.queue = []
    if (body.length > this.data.length)
      throw new Error(`a message of ${body.length} bytes does not fit the sealed channel (${this.data.length})`)
    this.data.set(body)
    Atomics.store(this.ctrl, 1, body.length)
    Atomics.store(this.ctrl, 0, REQUEST)
    Atomics.notify(this.ctrl, 0)
    for (let s = REQUEST; s === REQUEST || s === SENT; s = Atomics.load(this.ctrl, 0)) Atomics.wait(this.ctrl, 0, s)
    const state = Atomics.load(this.ctrl, 0)
    const bytes = this.data.slice(0, Atomics.load(this.ctrl, 1))
    Atomics.store(this.ctrl, 0, IDLE)
    if (state === ERROR) throw new Error(Buffer.from(bytes).toString('utf8'))
    const reply = deserialize(bytes) as HostReply
    if (reply.error !== undefined) throw new Error(reply.error)
    return reply
  }

  close(): void {
    Atomics.store(this.ctrl, 0, CLOSE)
    Atomics.notify(this.ctrl, 0)
  }
}

/** The observable columns of the market as plain data: typed arrays copied, id lists as text. */
function observable(m: Catalog): Mirror {
  const mirror: Record<string, unknown> = { groupCount: m.groupCount }
  for (const [entity, keys] of Object.entries(OBSERVABLE_COLUMNS)) {
    const source = m[entity as keyof Catalog] as unknown as Record<string, unknown> & { count: number }
    const columns: Record<string, unknown> = { count: source.count }
    for (const key of keys) {
      const column = source[key] as ArrayLike<number> & { slice(): unknown; at?(i: number): unknown }
      columns[key] = ArrayBuffer.isView(column)
        ? column.slice()
        : Array.from({ length: (column as { length: number }).length }, (_, i) => column.at?.(i))
    }
    mirror[entity] = columns
  }
  return mirror as unknown as Mirror
}

/** The numeric observable columns, copied: what a refresh sends. */
function numericColumns(m: Catalog): Record<string, Record<string, ArrayLike<number>>> {
  const out: Record<string, Record<string, ArrayLike<number>>> = {}
  for (const [entity, keys] of Object.entries(OBSERVABLE_COLUMNS)) {
    const source = m[entity as keyof Catalog] as unknown as Record<string, unknown>
    out[entity] = {}
    for (const key of keys)
      if (ArrayBuffer.isView(source[key])) out[entity][key] = (source[key] as Float64Array).slice()
  }
  return out
}

/** The round's outcome columns (the ledger holds them among much else), copied. */
const roundColumns = (from: BoundaryInputs['round']) =>
  Object.fromEntries(ROUND_COLUMNS.map((key) => [key, from[key].slice()]))

const plain = (s: Session): PlainSession => ({
  round: s.round,
  kind: s.kind,
  buyer: s.buyer,
  category: s.category,
  k: s.k,
  n: s.n,
  candidates: s.candidates.slice(0, s.n),
  relevance: s.relevance.slice(0, s.n),
})

const fill = (slots: Slots, slate: Slate) => {
  for (let i = 0; i < slate.count; i++) slots.push(slate.products[i], slate.cpc[i])
}

/**
 * The engine's side of a sealed plugin: what PluginHarness does in the engine's thread, done in the plugin's
 * process over a mirror of the market. Calls without an answer (a session's feedback, a refresh) ride along with the
 * next request; the mirror is updated exactly where the plugin's own view would be.
 */
class SealedBoundary implements PluginBoundary {
  readonly ranker: Ranker
  readonly batch: boolean

  constructor(
    private readonly channel: Channel,
    private readonly inputs: BoundaryInputs,
    file: string,
  ) {
    const m = inputs.market
    const created = channel.call({
      type: 'create',
      mirror: observable(m),
      quality: inputs.truth ? Float64Array.from(inputs.truth.quality) : undefined,
      maxCandidates: inputs.truth ? inputs.truth.relevance.length : 0,
      seed: inputs.seed,
      k: inputs.k,
      file,
      round: roundColumns(inputs.round),
    })
    this.batch = created.batch === true
    const truth = inputs.truth
    this.ranker = {
      rank: (session, slots) => {
        const reply = channel.call({
          type: 'rank',
          session: plain(session),
          truthRelevance: truth ? (truth.relevance as Float64Array).slice(0, session.n) : undefined,
        })
        fill(slots, reply as unknown as Slate)
      },
      ...(this.batch && {
        rankBatch: (sessions: Session[], slots: Slots[]) => {
          const round = sessions[0]?.round ?? 0
          const reply = channel.call({ type: 'rankBatch', round, sessions: sessions.map(plain) })
          for (const [i, slate] of (reply.slates as Slate[]).entries()) fill(slots[i], slate)
        },
      }),
    }
  }

  rank(session: Session, slots: Slots): undefined {
    this.ranker.rank(session, slots)
    return undefined
  }

  async rankBatch(_round: number, sessions: Session[], slots: Slots[]): Promise<void> {
    this.ranker.rankBatch!(sessions, slots)
  }

  session(o: SessionOutcome): undefined {
    const m = this.inputs.market
    const budgetLeft: [number, number][] = []
    for (let r = 0; r < o.count; r++) {
      if (!o.clicked[r] || o.cpc[r] <= 0) continue
      const seller = m.products.seller[o.products[r]]
      budgetLeft.push([seller, m.sellers.budgetLeft[seller]])
    }
    const p = o.purchasedSlot >= 0 ? o.products[o.purchasedSlot] : -1
    const outcome = {
      round: o.round,
      kind: o.kind,
      buyer: o.buyer,
      category: o.category,
      n: o.n,
      count: o.count,
      products: o.products.slice(0, o.count),
      cpc: o.cpc.slice(0, o.count),
      clicked: o.clicked.slice(0, o.count),
      purchasedSlot: o.purchasedSlot,
      retailPrice: o.retailPrice,
    }
    const sync = {
      budgetLeft,
      ...(p >= 0 && {
        reviews: [p, m.products.reviews[p]] as [number, number],
        ratingSum: [p, m.products.ratingSum[p]] as [number, number],
      }),
    }
    this.channel.queue.push({ type: 'session', sync, outcome })
    return undefined
  }

  async roundClosed(round: number, columns: BoundaryInputs['round']): Promise<void> {
    const own = roundColumns(columns)
    // The books just closed: the mirror takes the round's columns before the plugin observes them.
    this.channel.queue.push({ type: 'refresh', columns: numericColumns(this.inputs.market) })
    this.channel.call({ type: 'roundClosed', round, columns: own })
  }

  refresh(): void {
    this.channel.queue.push({ type: 'refresh', columns: numericColumns(this.inputs.market) })
  }

  async close(): Promise<void> {
    try {
      this.channel.call({ type: 'close' })
    } finally {
      this.channel.close()
    }
  }
}
