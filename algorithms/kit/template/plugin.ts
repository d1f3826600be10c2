// my-plugin: a ranking plugin for trafficbench, written by `bench new-plugin`. Edit `rank` and the
// params; `bench check` tells you whether it still plays by the rules. The kit's contract:
// trafficbench/kit (Session, MarketView, Ranker, the page helpers).
import { definePlugin, ScoredPage, z } from 'trafficbench/kit'

export default definePlugin({
  name: 'my-plugin',
  summary: 'Relevance, nudged by each listing’s sales so far',
  /** What the plugin models: seed articles or stylized facts it claims to reproduce (none yet). */
  claims: [],
  params: z
    .object({
      /** Weight of log(1 + sales) against relevance in [0, 1]. */
      salesWeight: z.number().min(0).default(0.05),
    })
    .strict(),
  create({ market, params }) {
    // Per-plugin state lives here; draw any randomness from the context's seeded `rng`, never Math.random.
    const page = new ScoredPage()
    return {
      rank(session, slots) {
        const score = page.prepare(session.n)
        for (let i = 0; i < session.n; i++) {
          const product = session.candidates[i]
          score[i] = session.relevance[i] + params.salesWeight * Math.log1p(market.products.sales[product])
        }
        page.fill(session, slots)
      },
    }
  },
})
