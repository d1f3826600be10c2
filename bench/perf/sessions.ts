/**
 * npm run perf, part 1: one engine session (retrieval, ranking, validation, buyer, ledger,
 * collectors) against a bare typed-array kernel that scores the same candidates and selects the
 * top k — the least work any ranker must do. tinybench, warm-up included; nothing is asserted.
 */
import { Bench } from 'tinybench'
import { topK } from '../../algorithms/kit/topk.ts'
import { generateCatalog } from '../../datasets/generate.ts'
import { MarketRun } from '../market/run.ts'
import { collectorsFor } from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { loadScenario } from '../runner/plan/scenario.ts'

const TIME_MS = Number(process.env.PERF_TIME_MS ?? 2000)
const scenario = loadScenario(process.argv[2] ?? 'default')
const catalog = generateCatalog(scenario.catalog, scenario.seed, scenario.market.rounds)
const registry = await loadRegistry()
const k = scenario.market.slots
const market = { ...scenario.market, rounds: 1 }
const collectors = collectorsFor()

function engineFor(name: string): MarketRun {
  const { plugin } = registry.get(name)!
  const run = new MarketRun({
    plugin,
    params: plugin.params.parse({}),
    market,
    catalog,
    seed: scenario.seed,
    collectors,
  })
  run.startRound(0)
  return run
}

// The bare kernel replays the exact candidate sets the engine retrieves (captured from the relevance run).
const { plugin: relevance } = registry.get('relevance')!
const sessions = (
  await new MarketRun({
    plugin: relevance,
    params: {},
    market,
    catalog,
    seed: scenario.seed,
    collectors,
    capture: 2000,
  }).run()
).captured
const quality = catalog.products.quality
const score = new Float64Array(Math.max(...sessions.map((s) => s.candidates.length)))
const order = new Int32Array(k)
let next = 0
let sink = 0

const bench = new Bench({ time: TIME_MS, warmupTime: 300 })
bench.add('bare score + top-k', () => {
  const { candidates, relevance } = sessions[next]
  next = next + 1 === sessions.length ? 0 : next + 1
  for (let i = 0; i < candidates.length; i++) score[i] = relevance[i] * quality[candidates[i]]
  sink += topK(score, candidates.length, k, order)
})
// The built-ins a default run runs: an on-demand one (onnx) needs its own files and parameters.
const names = [...registry.entries()].filter(([, r]) => !r.onDemand).map(([name]) => name)
for (const name of names) {
  const run = engineFor(name)
  bench.add(`engine session: ${name}`, () => run.runSession(0, false))
}
await bench.run()

const rate = (name: string) => {
  const r = bench.getTask(name)!.result
  if (r.state !== 'completed') throw new Error(`${name}: ${r.state}`)
  return r.throughput.mean
}
const bare = rate('bare score + top-k')
const meanCandidates = Math.round(sessions.reduce((t, s) => t + s.candidates.length, 0) / sessions.length)
console.log(
  `scenario ${scenario.name}: ${sessions.length} captured sessions, mean ${meanCandidates} candidates, k = ${k}\n`,
)
console.log(`${'loop'.padEnd(30)} ${'sessions/s'.padStart(12)} ${'vs bare'.padStart(8)}`)
console.log(`${'bare score + top-k'.padEnd(30)} ${bare.toFixed(0).padStart(12)} ${'1.00'.padStart(8)}`)
for (const name of names) {
  const r = rate(`engine session: ${name}`)
  console.log(
    `${`engine session: ${name}`.padEnd(30)} ${r.toFixed(0).padStart(12)} ${(r / bare).toFixed(2).padStart(8)}`,
  )
}
if (sink < 0) console.log(sink)
