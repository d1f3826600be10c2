import { createHash, type Hash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { Plugin, PluginContext, Ranker, Session } from '../../algorithms/kit/contract.ts'
import type { Slots } from '../../algorithms/kit/slots.ts'
import { ASYNC_RANKER } from '../market/plugin-harness.ts'
import { slotsError } from '../market/slots-check.ts'
import { recordFileReads } from './file-reads.ts'

/** The first time each kind of misbehaviour was seen, said where ("rank, round 2"). */
export interface Violations {
  slots?: string
  mathRandom?: string
  params?: string
  inputs?: string
  globals?: string
}

/** What one watched run saw of a plugin. */
export interface Watch {
  violations: Violations
  /** rank() calls made. */
  calls: number
  /** Math.random calls made from inside the plugin's create, rank or hooks. */
  randomCalls: number
  /** Every fill's products and CPCs, hashed in order: equal digests mean equal output. */
  outputs: Hash
  /** Wall time of each rank() call in ms (only when timing was asked for). */
  rankMs: number[]
  /** Files create() read through node:fs. */
  createReads: string[]
}

type Column = ArrayLike<number>
const isColumn = (v: unknown): v is Column =>
  ArrayBuffer.isView(v) || (Array.isArray(v) && v.every((x) => typeof x === 'number'))

/**
 * Every numeric column reachable from a value handed to the plugin, one or two levels down
 * (market.products.price, session.relevance, feedback.clicks), found by walking whatever is there,
 * so the check follows the contract as it evolves instead of a fixed list of names.
 */
function columnsOf(root: unknown, name: string): [string, Column][] {
  if (isColumn(root)) return [[name, root]]
  if (typeof root !== 'object' || root === null) return []
  return Object.entries(root).flatMap(([key, value]) => {
    if (isColumn(value)) return [[`${name}.${key}`, value] as [string, Column]]
    if (typeof value === 'object' && value !== null && !name.includes('.')) return columnsOf(value, `${name}.${key}`)
    return []
  })
}

type Typed = Exclude<Column, readonly number[]> &
  ArrayBufferView & { set(source: ArrayLike<number>): void; slice(): Typed }
const copies = new WeakMap<object, Typed | number[]>()
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

/**
 * Copies the columns now (into buffers kept per column, so a call costs a memcpy, not an
 * allocation); `changed()` names the first column and index that differ from the copy.
 */
function snapshot(columns: [string, Column][]): { changed(): string | undefined } {
  const taken = columns.map(([, column]) => {
    let copy = copies.get(column)
    if (ArrayBuffer.isView(column)) {
      if (!copy || copy.length !== column.length) {
        copy = (column as Typed).slice()
        copies.set(column, copy)
      } else (copy as Typed).set(column)
    } else {
      copy = Array.from(column)
      copies.set(column, copy)
    }
    return copy!
  })
  return {
    changed() {
      for (let j = 0; j < columns.length; j++) {
        const [name, column] = columns[j]
        const copy = taken[j]
        if (column.length !== copy.length) return `${name} (its length)`
        if (ArrayBuffer.isView(column) && bytes(column).equals(bytes(copy as Typed))) continue
        for (let i = 0; i < copy.length; i++) if (!Object.is(column[i], copy[i])) return `${name}[${i}]`
      }
      return undefined
    },
  }
}

/** The path of the first value that differs between two JSON-like values ("params.adPositions[0]"). */
function firstDifference(now: unknown, was: unknown, path: string): string {
  if (typeof now !== 'object' || typeof was !== 'object' || now === null || was === null) return path
  const keys = new Set([...Object.keys(now), ...Object.keys(was)])
  for (const key of keys) {
    const [a, b] = [(now as Record<string, unknown>)[key], (was as Record<string, unknown>)[key]]
    if (!isDeepStrictEqual(a, b))
      return firstDifference(a, b, Array.isArray(now) ? `${path}[${key}]` : `${path}.${key}`)
  }
  return path
}

const GLOBAL_OWNERS = [
  ['Math', Math],
  ['globalThis', globalThis],
] as const

/** What a plugin could patch to reach beyond its own run: Math's functions and the global object's keys. */
function globalsNow(): Map<string, unknown> {
  const state = new Map<string, unknown>()
  // Descriptors, not values: reading a lazy global (crypto, navigator) would run its getter.
  for (const [owner, object] of GLOBAL_OWNERS)
    for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(object)))
      state.set(`${owner}.${key}`, d.value ?? d.get)
  return state
}

/** Puts Math and the global object back as they were (a patch must not outlive the plugin's check). */
function keepGlobals(): () => void {
  const saved = GLOBAL_OWNERS.map(([, object]) => [object, Object.getOwnPropertyDescriptors(object)] as const)
  return () => {
    for (const [object, descriptors] of saved) {
      for (const key of Object.getOwnPropertyNames(object))
        if (!(key in descriptors)) delete (object as Record<string, unknown>)[key]
      for (const [key, d] of Object.entries(descriptors)) {
        const now = Object.getOwnPropertyDescriptor(object, key)
        if (now?.value !== d.value || now?.get !== d.get) Object.defineProperty(object, key, d)
      }
    }
  }
}

function globalsChanged(before: Map<string, unknown>, randomStandIn: unknown): string | undefined {
  const after = globalsNow()
  for (const [key, value] of after)
    if (key !== 'Math.random' && !Object.is(before.get(key), value))
      return before.has(key) ? `${key} was replaced` : `${key} was added`
  if (after.get('Math.random') !== randomStandIn) return 'Math.random was replaced'
  return undefined
}

/** A ranker's method names, its own and its class's (a plugin may return a class instance). */
function hookNames(ranker: object): string[] {
  const names = new Set<string>()
  for (let o: object | null = ranker; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name)
  return [...names]
}

/**
 * Wraps a plugin so that a run of it records how it behaves: each call into it (create, rank,
 * observe and any other hook) runs with Math.random counted, and is followed by a comparison of its
 * params with a deep copy, of every column it was handed with a copy taken just before the call
 * (inspectInputs), and of Math and the global object; rank's fills are validated and hashed, and
 * optionally timed. Misbehaviour is recorded, not thrown, so one run answers every check.
 */
export function watchPlugin(
  plugin: Plugin,
  options: { inspectInputs: boolean; timeRank: boolean },
): { plugin: Plugin; watch: Watch; restore(): void } {
  const watch: Watch = {
    violations: {},
    calls: 0,
    randomCalls: 0,
    outputs: createHash('sha256'),
    rankMs: [],
    createReads: [],
  }
  const restoreGlobals = keepGlobals()
  const realRandom = Math.random
  let inside = ''
  const countingRandom = () => {
    if (inside) {
      watch.randomCalls++
      watch.violations.mathRandom ??= `Math.random called in ${inside}`
    }
    return realRandom()
  }
  Math.random = countingRandom
  let paramsCopy: unknown
  let round = 0

  /** Runs one call into the plugin under watch; `handed` are the values it receives. */
  function call<T>(where: string, handed: [string, unknown][], params: unknown, body: () => T): T {
    const columns = options.inspectInputs
      ? snapshot(handed.flatMap(([name, value]) => columnsOf(value, name)))
      : undefined
    const globals = globalsNow()
    inside = where
    try {
      return body()
    } catch (err) {
      // The engine hands plugins frozen params: a write to them throws here rather than changing them.
      if (
        err instanceof TypeError &&
        /read[- ]only property|not extensible|Cannot (add|delete|assign)/.test(err.message)
      )
        watch.violations.params ??= `${where} wrote its params, which are frozen (${err.message})`
      throw err
    } finally {
      inside = ''
      if (!isDeepStrictEqual(params, paramsCopy))
        watch.violations.params ??= `${where} changed ${firstDifference(params, paramsCopy, 'params')}`
      const written = columns?.changed()
      if (written) watch.violations.inputs ??= `${where} wrote ${written}`
      const patched = globalsChanged(globals, countingRandom)
      if (patched) {
        watch.violations.globals ??= `in ${where}, ${patched}`
        Math.random = countingRandom
      }
    }
  }

  function watchRanker(ranker: Ranker, context: PluginContext<unknown>): Ranker {
    const { market, params } = context
    const productCount = (market as { products?: { count?: number } }).products?.count ?? Number.MAX_SAFE_INTEGER
    const watched: Record<string | symbol, unknown> = {}
    for (const key of hookNames(ranker)) {
      const hook = (ranker as unknown as Record<string, unknown>)[key]
      if (typeof hook !== 'function' || key === 'rank' || key === 'rankBatch') continue
      watched[key] = (...args: unknown[]) => {
        const round0 = (args[0] as { round?: number } | undefined)?.round
        if (key === 'observe' && typeof round0 === 'number') round = round0 + 1
        return call(
          `${key}, round ${round0 ?? round}`,
          [['market', market], ...args.map((a, i): [string, unknown] => [`${key} argument ${i + 1}`, a])],
          params,
          () => (hook as (...a: unknown[]) => unknown).apply(ranker, args),
        )
      }
    }
    // A plugin in another process answers rank() with a Promise: the fill is checked once it settles.
    const remote = ASYNC_RANKER in ranker
    if (remote) watched[ASYNC_RANKER] = true
    const settle = (session: Session, slots: Slots) => {
      watch.calls++
      watch.outputs
        .update(new Uint8Array(slots.products.buffer, 0, slots.count * 4))
        .update(new Uint8Array(slots.cpc.buffer, 0, slots.count * 8))
      const candidate = (p: number) => {
        for (let i = 0; i < session.n; i++) if (session.candidates[i] === p) return i
        return -1
      }
      const problem = slotsError(slots, session.k, productCount, candidate)
      if (problem) watch.violations.slots ??= `round ${session.round}: ${problem}`
    }
    if (typeof ranker.rankBatch === 'function')
      watched.rankBatch = (sessions: Session[], slots: Slots[]) => {
        round = sessions[0]?.round ?? round
        const started = performance.now()
        const result: unknown = call(
          `rankBatch, round ${round}`,
          [
            ['market', market],
            ['sessions', sessions],
          ],
          params,
          () => ranker.rankBatch!(sessions, slots),
        )
        const done = () => {
          // Timed per session, as rank() is: the batch's time shared among its sessions.
          if (options.timeRank)
            for (const _ of sessions) watch.rankMs.push((performance.now() - started) / Math.max(1, sessions.length))
          sessions.forEach((session, i) => {
            settle(session, slots[i])
          })
        }
        if (result instanceof Promise) return result.then(done)
        done()
        return result
      }
    watched.rank = (session: Session, slots: Slots) => {
      round = session.round
      const started = performance.now()
      const result: unknown = call(
        `rank, round ${session.round}`,
        [
          ['market', market],
          ['session', session],
        ],
        params,
        () => ranker.rank(session, slots),
      )
      const done = () => {
        if (options.timeRank) watch.rankMs.push(performance.now() - started)
        settle(session, slots)
      }
      if (remote && result instanceof Promise) return result.then(done)
      done()
      return result
    }
    return watched as unknown as Ranker
  }

  const watchedPlugin: Plugin = {
    ...plugin,
    create(context) {
      paramsCopy = structuredClone(context.params)
      const { value: ranker, read } = recordFileReads(() =>
        call('create', [['market', context.market]], context.params, () => plugin.create(context)),
      )
      watch.createReads = read
      return watchRanker(ranker, context as PluginContext<unknown>)
    },
  }
  return { plugin: watchedPlugin, watch, restore: restoreGlobals }
}
