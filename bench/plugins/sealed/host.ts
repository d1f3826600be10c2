import { pathToFileURL } from 'node:url'
import type { Plugin, Session } from '../../../algorithms/kit/contract.ts'
import { platformRules } from '../../../algorithms/kit/fees.ts'
import { Slots } from '../../../algorithms/kit/slots.ts'
import type { Catalog } from '../../../core/catalog.ts'
import type { RoundColumns } from '../../market/boundary.ts'
import { captureIntrinsics, restoreIntrinsics } from '../../market/guard.ts'
import { PluginHarness } from '../../market/plugin-harness.ts'
import type { SessionOutcome } from '../../market/stream.ts'
import { readFrame, writeFrame } from './frames.ts'
import type { HostReply, HostRequest, Mirror, QueuedCall } from './messages.ts'

/**
 * A sealed plugin's process (bench run --sealed): started under Node's permission model, it reads only
 * its own bundle and declared files, answers the engine's requests on stdin/stdout and runs the same
 * PluginHarness the engine's thread would, over a mirror of the observable market the engine keeps
 * equal to its own at every call. Nothing of the engine, the metrics or the truth is here.
 */
let plugin: Plugin | null = null
let params: Record<string, unknown> = {}
let harness: PluginHarness | null = null
let mirror: Mirror | null = null
let truth: { quality: Float64Array; relevance: Float64Array } | undefined
let rules: ReturnType<typeof platformRules> | null = null
const intrinsics = captureIntrinsics()
// A plugin's process.exit fails the call that made it, named, as in a cell's thread; the host ends through its own.
const exit = process.exit.bind(process)
process.exit = ((code?: number) => {
  throw new Error(`the plugin called process.exit(${code ?? ''})`)
}) as typeof process.exit

/** The plugin's module, imported once; what its top-level code did to the built-ins undone, as in a cell's thread. */
async function imported(bundle: string): Promise<Plugin> {
  if (!plugin) {
    const mod = await import(pathToFileURL(bundle).href)
    restoreIntrinsics(intrinsics)
    plugin = mod.default as Plugin
  }
  return plugin
}

async function handle(request: HostRequest): Promise<HostReply> {
  for (const call of request.queued ?? []) await apply(call)
  switch (request.type) {
    // What bench run's preparation asks, so that it never imports the plugin itself.
    case 'describe': {
      const p = await imported(request.bundle)
      return {
        name: p.name,
        summary: p.summary,
        claims: [...(p.claims ?? [])],
        truth: p.truth === true,
        files: [...(p.files ?? [])],
        keys: Object.keys((p.params as unknown as { shape?: object }).shape ?? {}),
        hooks: { validate: !!p.validate, paramFiles: !!p.paramFiles, platform: !!p.platform },
      }
    }
    case 'parse': {
      const parsed = plugin!.params.safeParse(request.given)
      return parsed.success
        ? { success: true, data: parsed.data }
        : { success: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) }
    }
    case 'validate':
      return { problem: plugin!.validate?.(request.params as never, { k: request.k }) ?? null }
    case 'paramFiles':
      return { files: plugin!.paramFiles?.(request.params as never) ?? [] }
    case 'platform': {
      rules = platformRules(plugin!.platform?.(request.params as never))
      return {
        rules: { sessionKind: rules.sessionKind, priceFirst: rules.priceFirst, retailMarkup: rules.retailMarkup },
      }
    }
    case 'load': {
      await imported(request.bundle)
      params = request.params
      rules = platformRules(plugin!.platform?.(params))
      return {
        name: plugin!.name,
        truth: plugin!.truth === true,
        platform: typeof plugin!.platform === 'function',
        rules: { sessionKind: rules.sessionKind, priceFirst: rules.priceFirst, retailMarkup: rules.retailMarkup },
      }
    }
    case 'rule': {
      const r = rules as unknown as Record<string, (...args: unknown[]) => number>
      return { value: r[request.rule](...request.args) }
    }
    case 'create': {
      mirror = request.mirror
      truth = request.quality
        ? { quality: request.quality, relevance: new Float64Array(request.maxCandidates) }
        : undefined
      harness = new PluginHarness(
        plugin!,
        params,
        mirror as unknown as Catalog,
        request.seed,
        request.k,
        truth,
        request.file,
        request.round as RoundColumns,
      )
      return { batch: harness.batch }
    }
    case 'rank': {
      const slots = new Slots(request.session.k)
      if (truth && request.truthRelevance) truth.relevance.set(request.truthRelevance)
      const pending = harness!.rank(request.session as Session, slots)
      if (pending) await pending
      return {
        count: slots.count,
        products: slots.products.slice(0, slots.count),
        cpc: slots.cpc.slice(0, slots.count),
      }
    }
    case 'rankBatch': {
      const slots = request.sessions.map((s) => new Slots(s.k))
      await harness!.rankBatch(request.round, request.sessions as Session[], slots)
      return {
        slates: slots.map((s) => ({
          count: s.count,
          products: s.products.slice(0, s.count),
          cpc: s.cpc.slice(0, s.count),
        })),
      }
    }
    case 'roundClosed':
      await harness!.roundClosed(request.round, request.columns as RoundColumns)
      return {}
    case 'close':
      await harness?.close()
      return {}
  }
}

/** A call the engine queued with its next request: the mirror follows the market, then the plugin's hook runs. */
async function apply(call: QueuedCall): Promise<void> {
  if (call.type === 'refresh') {
    for (const [entity, columns] of Object.entries(call.columns))
      for (const [key, values] of Object.entries(columns))
        (mirror![entity as keyof Mirror] as unknown as Record<string, { set(v: ArrayLike<number>): void }>)[key].set(
          values,
        )
    harness!.refresh()
    return
  }
  const { budgetLeft, reviews, ratingSum } = call.sync
  for (const [seller, value] of budgetLeft) mirror!.sellers.budgetLeft[seller] = value
  if (reviews) {
    mirror!.products.reviews[reviews[0]] = reviews[1]
    mirror!.products.ratingSum[ratingSum![0]] = ratingSum![1]
  }
  const pending = harness!.session(call.outcome as unknown as SessionOutcome)
  if (pending) await pending
}

// One request at a time, each answered before the next is read.
for (let request = readFrame(0); request !== null; request = readFrame(0)) {
  let reply: HostReply
  try {
    reply = await handle(request as HostRequest)
  } catch (err) {
    reply = { error: err instanceof Error ? err.message : String(err) }
  }
  writeFrame(3, reply)
}
// The engine closed the channel: whatever the plugin left running (timers) ends with the process.
exit(0)
