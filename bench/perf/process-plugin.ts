/**
 * npm run perf, part 4: a ranker in another process against the same ranker built in. The Python twin
 * of relevance (examples/python/relevance.py, numpy when importable) in batch mode, and in session
 * mode for reference, and the built-in itself sealed (bench run --sealed: its own process under the
 * permission model, called synchronously), against the built-in relevance: whole engine runs on the
 * default scenario, one round of warm-up then ROUNDS timed, alternated REPEATS times, medians shown. Goal: the twin in
 * batch mode at ≥ 0.5 of the built-in's sessions/s.
 */

import { kitPath } from '../../core/paths.ts'
import { generateCatalog } from '../../datasets/generate.ts'
import { runMarket } from '../market/run.ts'
import { collectorsFor } from '../metrics/definitions.ts'
import { loadPluginFile, loadRegistry } from '../plugins/registry.ts'
import { startSealed } from '../plugins/sealed/client.ts'
import { loadScenario } from '../runner/plan/scenario.ts'

const ROUNDS = Number(process.env.PERF_ROUNDS ?? 5)
const REPEATS = Number(process.env.PERF_REPEATS ?? 3)
const TWIN = kitPath('examples/python/relevance.py')

const scenario = loadScenario('default')
const market = { ...scenario.market, rounds: ROUNDS + 1 }
const { plugin: builtIn, file: builtInFile } = (await loadRegistry()).get('relevance')!

/** Sessions/s of one run: the plugin loaded afresh (a process plugin's mode is read as it starts). */
async function sessionsPerSec(mode: (typeof modes)[number]): Promise<number> {
  process.env.RELEVANCE_PY_BATCH = mode === 'batch' ? '1' : '0'
  const catalog = generateCatalog(scenario.catalog, scenario.seed, market.rounds)
  const sealed = mode === 'sealed' ? startSealed(builtInFile, builtIn.params.parse({}), [], catalog).sealed : undefined
  const plugin = mode === 'built-in' || mode === 'sealed' ? builtIn : await loadPluginFile(TWIN)
  const o = await runMarket({
    plugin,
    params: plugin.params.parse({}),
    sealed,
    market,
    catalog,
    ownsCatalog: true,
    seed: scenario.seed,
    collectors: collectorsFor(),
    warmupSessions: market.sessionsPerRound,
  })
  return (o.timedSessions / o.elapsedMs) * 1000
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const modes = ['built-in', 'batch', 'session', 'sealed'] as const
const runs = new Map(modes.map((m) => [m, [] as number[]]))
for (let r = 0; r < REPEATS; r++) for (const mode of modes) runs.get(mode)!.push(await sessionsPerSec(mode))

console.log(
  `\nrelevance in another process (examples/python/relevance.py), default scenario, ${ROUNDS} rounds × ` +
    `${market.sessionsPerRound} sessions after a round of warm-up, ${REPEATS}× alternating, medians:\n`,
)
console.log(`${'ranker'.padEnd(28)} ${'sessions/s'.padStart(11)} ${'vs built-in'.padStart(12)}   each run`)
const base = median(runs.get('built-in')!)
const label = {
  'built-in': 'relevance (built-in)',
  batch: 'Python twin, batch mode',
  session: 'Python twin, session mode',
  sealed: 'relevance, --sealed',
}
for (const mode of modes) {
  const rate = median(runs.get(mode)!)
  console.log(
    `${label[mode].padEnd(28)} ${rate.toFixed(0).padStart(11)} ${(rate / base).toFixed(2).padStart(12)}   ` +
      runs
        .get(mode)!
        .map((x) => x.toFixed(0))
        .join(', '),
  )
}
const ratio = median(runs.get('batch')!) / base
console.log(
  `goal: the twin in batch mode at ≥ 0.50 of the built-in: ${ratio >= 0.5 ? 'met' : 'not met'} (${ratio.toFixed(2)})`,
)
