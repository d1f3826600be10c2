/**
 * One point of the scaling table, in its own process so its peak RSS is its own: generates the
 * default scenario's market with PRODUCTS products (same 100 categories, sellers and buyers), runs
 * PLUGIN for ROUNDS rounds with every collector, and prints one JSON line.
 */

import { generateCatalog } from '../../datasets/generate.ts'
import { runMarket } from '../market/run.ts'
import { collectorsFor } from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { loadScenario } from '../runner/plan/scenario.ts'

const [products, pluginName, rounds] = [
  Number(process.argv[2]),
  process.argv[3] ?? 'amazon',
  Number(process.argv[4] ?? 3),
]
const scenario = loadScenario('default')
const { plugin } = (await loadRegistry()).get(pluginName)!
const generated = performance.now()
const catalog = generateCatalog({ ...scenario.catalog, products }, scenario.seed, scenario.market.rounds)
const generateMs = performance.now() - generated
const o = await runMarket({
  plugin,
  params: plugin.params.parse({}),
  market: { ...scenario.market, rounds },
  catalog,
  ownsCatalog: true,
  seed: scenario.seed,
  collectors: collectorsFor(),
  warmupSessions: 2000,
})
console.log(
  JSON.stringify({
    products,
    plugin: pluginName,
    generateMs,
    sessionsPerSec: (o.timedSessions / o.elapsedMs) * 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
)
