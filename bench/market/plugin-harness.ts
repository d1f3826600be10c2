import type {
  Plugin,
  PluginContext,
  Ranker,
  RoundFeedback,
  Session,
  SessionFeedback,
} from '../../algorithms/kit/contract.ts'
import type { Slots } from '../../algorithms/kit/slots.ts'
import type { Catalog } from '../../core/catalog.ts'
import { makeRng } from '../../core/rng.ts'
import { pluginFailure, shownFile } from './blame.ts'
import { type PluginBoundary, ROUND_COLUMNS, type RoundColumns } from './boundary.ts'
import { changedGlobal, type GlobalsSnapshot, snapshotGlobals } from './guard.ts'
import type { SessionOutcome } from './stream.ts'
import { PluginError, type PluginHook, PluginOutputError } from './types.ts'
import { PluginMarketView } from './view.ts'

/** Rankers of the kit's own adapters (a plugin in another process) may answer rank() with a Promise. */
export const ASYNC_RANKER = Symbol('asyncRanker')

const RANK_PROMISE =
  'returned a Promise: rank() fills the slots before it returns (for work that must wait, declare rankBatch, which ' +
  'may return a Promise)'
const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') &&
  v !== null &&
  typeof (v as PromiseLike<unknown>).then === 'function'

/** A deep copy, frozen: a plugin that writes its params fails loudly and cannot reach another run's. */
export function frozenCopy<T>(value: T): T {
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || Object.isFrozen(v)) return
    Object.freeze(v)
    for (const child of Object.values(v)) freeze(child)
  }
  const copy = structuredClone(value)
  freeze(copy)
  return copy
}

/**
 * The engine's side of the plugin boundary: the plugin's own view of the observable market, its
 * ranker, and every call into it. Each call is guarded (an exception becomes a PluginError naming the
 * plugin, seed, round, hook and its line), hooks get the plugin's own copies of what happened, and
 * the globals the engine computes with are checked after create() and after every round. Whatever
 * the plugin writes changes only what it sees itself.
 */
export class PluginHarness implements PluginBoundary {
  readonly ranker: Ranker
  private readonly view: PluginMarketView
  private readonly globals: GlobalsSnapshot
  private readonly sessionHook: {
    call: (feedback: SessionFeedback) => void
    products: Int32Array
    cpc: Float64Array
    clicked: Uint8Array
  } | null
  private readonly roundHook: { call: (feedback: RoundFeedback) => void; columns: RoundColumns } | null
  private readonly name: string

  constructor(
    plugin: Plugin,
    params: Record<string, unknown>,
    market: Catalog,
    private readonly seed: number,
    k: number,
    truth: PluginContext<unknown>['truth'],
    private readonly file: string | undefined,
    round: Pick<RoundColumns, (typeof ROUND_COLUMNS)[number]>,
  ) {
    this.name = plugin.name
    this.view = new PluginMarketView(market)
    this.globals = snapshotGlobals()
    const context = { market: this.view.view, params, rng: makeRng(seed, `plugin:${plugin.name}`), k, truth }
    this.ranker = this.guarded('create', null, () => plugin.create(context))
    this.checkGlobals(null)
    const { onSession, observe } = this.ranker
    this.sessionHook = onSession
      ? {
          call: onSession.bind(this.ranker),
          products: new Int32Array(k),
          cpc: new Float64Array(k),
          clicked: new Uint8Array(k),
        }
      : null
    this.roundHook = observe
      ? {
          call: observe.bind(this.ranker),
          columns: Object.fromEntries(ROUND_COLUMNS.map((key) => [key, round[key].slice()])) as RoundColumns,
        }
      : null
  }

  /** Runs a plugin hook; its exception becomes a PluginError naming the plugin, seed, round, hook and its line. */
  guarded<T>(hook: PluginHook, round: number | null, call: () => T): T {
    try {
      return call()
    } catch (err) {
      throw pluginFailure(err, this.name, this.file, this.seed, round, hook)
    }
  }

  /** Stops the run when the plugin replaced a global the engine computes with. */
  checkGlobals(round: number | null): void {
    const changed = changedGlobal(this.globals)
    if (changed)
      throw new PluginError(
        this.name,
        this.seed,
        round,
        'globals',
        shownFile(this.file),
        `replaced ${changed}; a plugin may not change the globals the engine computes with`,
      )
  }

  /** Ranks in batch mode: the ranker has rankBatch. */
  get batch(): boolean {
    return typeof this.ranker.rankBatch === 'function'
  }

  /**
   * One session; only the kit's own adapters of rankers in other processes answer with a Promise. A
   * plugin's rank() must fill the slots before it returns: its Promise is refused, by name.
   */
  rank(session: Session, slots: Slots): Promise<void> | undefined {
    const result: unknown = this.guarded('rank', session.round, () => this.ranker.rank(session, slots))
    if (!isThenable(result)) return undefined
    if (!(ASYNC_RANKER in this.ranker))
      throw new PluginOutputError(this.name, this.seed, session.round, 'rank', shownFile(this.file), RANK_PROMISE)
    return this.settled('rank', session.round, result)
  }

  /** A round's sessions at once (batch mode); the ranker may take its time (a Promise is awaited). */
  async rankBatch(round: number, sessions: Session[], slots: Slots[]): Promise<void> {
    const result = this.guarded('rank', round, () => this.ranker.rankBatch!(sessions, slots))
    if (isThenable(result)) await this.settled('rank', round, result)
  }

  /** A hook's Promise, its rejection named as a thrown error would be. */
  private async settled(hook: PluginHook, round: number, pending: PromiseLike<unknown>): Promise<void> {
    try {
      await pending
    } catch (err) {
      throw pluginFailure(err, this.name, this.file, this.seed, round, hook)
    }
  }

  /** The run is over: the ranker may release what it holds (a process plugin stops its process). */
  async close(): Promise<void> {
    await this.ranker.close?.()
  }

  /** The plugin's view follows the market: after the sellers act and after the books close. */
  refresh(): void {
    this.view.refresh()
  }

  /** The view follows what one session changed; the session hook gets its own copy of what the buyer did. */
  session(o: SessionOutcome): Promise<void> | undefined {
    this.view.syncSession(o.products, o.cpc, o.clicked, o.count, o.purchasedSlot)
    const hook = this.sessionHook
    if (!hook || o.n === 0) return undefined
    for (let i = 0; i < o.count; i++) {
      hook.products[i] = o.products[i]
      hook.cpc[i] = o.cpc[i]
      hook.clicked[i] = o.clicked[i]
    }
    const bought = o.purchasedSlot >= 0
    const feedback: SessionFeedback = {
      round: o.round,
      kind: o.kind,
      buyer: o.buyer,
      category: o.category,
      count: o.count,
      products: hook.products,
      cpc: hook.cpc,
      clicked: hook.clicked,
      purchasedSlot: o.purchasedSlot,
      retailPrice: bought ? o.retailPrice : 0,
    }
    const result: unknown = this.guarded('onSession', o.round, () => hook.call(feedback))
    return isThenable(result) ? this.settled('onSession', o.round, result) : undefined
  }

  /** The round's outcomes, as the plugin's own copies, to its observe hook; then the globals are checked. */
  async roundClosed(round: number, columns: Pick<RoundColumns, (typeof ROUND_COLUMNS)[number]>): Promise<void> {
    if (this.roundHook) {
      const { call, columns: own } = this.roundHook
      for (const key of ROUND_COLUMNS) own[key].set(columns[key])
      this.view.refresh()
      const result: unknown = this.guarded('observe', round, () => call({ round, ...own }))
      if (isThenable(result)) await this.settled('observe', round, result)
    }
    this.checkGlobals(round)
  }
}
