import type { Plugin, Session } from '../../algorithms/kit/contract.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import type { Catalog } from '../../core/catalog.ts'
import { makeRng } from '../../core/rng.ts'

// One session ranked by a plugin on a hand-made market: for a plugin's own tests and the facts' probes.

/** A search session over the given candidates with the given relevances. */
export function searchSession(
  candidates: number[],
  relevance: number[],
  k = 20,
  kind: 'search' | 'feed' = 'search',
): Session {
  return {
    round: 0,
    kind,
    buyer: 0,
    category: kind === 'search' ? 0 : -1,
    k,
    n: candidates.length,
    candidates: Int32Array.from(candidates),
    relevance: Float64Array.from(relevance),
  }
}

/** Creates the plugin's ranker on the market (default parameters unless given) and ranks one session. */
export function rankOnce(
  plugin: Plugin,
  market: Catalog,
  session: Session,
  params: Record<string, unknown> = {},
): { products: number[]; cpc: number[] } {
  const ranker = plugin.create({ market, params: plugin.params.parse(params), rng: makeRng(1, 'test'), k: session.k })
  const slots = new Slots(session.k)
  ranker.rank(session, slots)
  return {
    products: Array.from(slots.products.subarray(0, slots.count)),
    cpc: Array.from(slots.cpc.subarray(0, slots.count)),
  }
}
