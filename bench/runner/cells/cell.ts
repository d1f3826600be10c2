import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Row } from '../../../core/csv.ts'
import { generateCatalog } from '../../../datasets/generate.ts'
import { importCatalog } from '../../../datasets/import.ts'
import { ImpressionLogWriter } from '../../log/write.ts'
import { runMarket } from '../../market/run.ts'
import { type CollectorDef, defineCollector } from '../../market/stream.ts'
import type { RunOutcome } from '../../market/types.ts'
import { collectorsFor } from '../../metrics/definitions.ts'
import { sellerRoundsCsv } from '../../metrics/seller-rounds.ts'
import { resultRows } from '../../metrics/summarize.ts'
import { loadPluginFile } from '../../plugins/registry.ts'
import type { CellSpec } from '../plan/plan.ts'
import { sealedPlugin, sealedStub, stillNamed } from './sealed.ts'
import { throughputRow } from './throughput.ts'

/** Sessions of the last round replayed by the throughput benchmark. */
const CAPTURED_SESSIONS = 200
/**
 * A run's first sessions, left out of sessions_per_sec: the JIT's warm-up (assumption: enough for V8 to optimise the
 * hot path).
 */
const WARMUP_SESSIONS = 2000

/** A finished cell's rows of each result file. */
export interface CellRows {
  summary: Row
  rounds: Row[]
  sellers: Row[]
  /** One row per speed measurement (--repeat), repeat 1 first. */
  throughput: Row[]
  /** seller_rounds.csv's records of the cell, without the header, when the run asked for them (--seller-rounds). */
  sellerRounds?: string
  /** Calls to Math.random during the cell's first simulation: rows that another run will not reproduce. */
  mathRandomCalls?: number
}

/** A collector that hands every session to an impression log writer. */
function impressionLog(log: ImpressionLogWriter) {
  return defineCollector<null>({
    name: 'impression-log',
    create: () => ({ session: (o) => log.write(o), result: () => null }),
  })
}

/**
 * Math.random, counted: the kit never calls it, so every call in a cell's thread is its plugin's, and makes its rows
 * unreproducible (bench check fails it; a run warns). Installed once per thread, before any plugin loads.
 */
const random = Math.random
let randomCalls = 0
Math.random = () => {
  randomCalls++
  return random()
}
const mathRandomCalls = () => randomCalls

/** V8's collector, reached through a flag set at run time (no --expose-gc on the command line needed). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** A plugin by file, which must still be the one the plan named. */
async function plannedPlugin(file: string, name: string) {
  const plugin = await loadPluginFile(file)
  stillNamed(file, plugin.name, name)
  return plugin
}

/**
 * Runs one cell from scratch: loads its plugin, builds its seed's market, simulates, measures.
 * Everything it needs is in the spec, so it runs the same in any thread, in any order. With
 * --repeat N, N − 1 more simulations of the cell (a fresh market and ranker each, the same
 * metric collectors, so that every repeat times the same work) measure its speed again; the
 * result rows are the first run's.
 */
export async function runCell(
  spec: CellSpec,
  onProgress?: (sessions: number) => void,
  onStage?: (stage: string) => void,
  memoryMb?: number,
): Promise<CellRows> {
  const { cell, scenario } = spec
  // Sealed, the plugin is never imported here: each simulation starts its process (sealed.ts).
  const plugin = spec.sealed
    ? sealedStub(cell.algorithm, spec.sealed.truth)
    : await plannedPlugin(spec.pluginFile, cell.algorithm)
  const rulesFrom = spec.rulesFrom && {
    plugin: await plannedPlugin(spec.rulesFrom.pluginFile, spec.rulesFrom.name),
    params: spec.rulesFrom.params,
  }
  const market = () =>
    spec.catalogDir
      ? importCatalog(spec.catalogDir, scenario.catalog, cell.seed)
      : generateCatalog(scenario.catalog, cell.seed, scenario.market.rounds)
  const catalog = market()
  const log = spec.logPath ? new ImpressionLogWriter(spec.logPath, catalog, scenario.market.shuffleSlates) : null
  onStage?.('simulating')
  const keys = { algorithm: cell.algorithm, variant: cell.variant, scenario: cell.scenario, seed: cell.seed }
  const sellerRounds = spec.sellerRounds ? sellerRoundsCsv(keys) : null
  const throughput: Row[] = []
  const simulate = (repeat: number, extra: CollectorDef[], progress?: (sessions: number) => void) => {
    const ownCatalog = repeat === 1 ? catalog : market()
    return runMarket({
      plugin,
      params: spec.params,
      pluginFile: spec.pluginFile,
      rulesFrom,
      market: scenario.market,
      catalog: ownCatalog,
      ...(spec.sealed && { sealed: sealedPlugin(spec, ownCatalog) }),
      ownsCatalog: true,
      seed: cell.seed,
      collectors: [...collectorsFor(), ...extra],
      capture: CAPTURED_SESSIONS,
      warmupSessions: WARMUP_SESSIONS,
      onProgress: progress,
      memoryLimitBytes: memoryMb === undefined ? undefined : memoryMb * 2 ** 20,
      // Timed before the ranker closes: a plugin in another process is still there to answer.
      beforeClose: async (o) => {
        onStage?.(`measuring rank() throughput${spec.repeat > 1 ? ` (repeat ${repeat} of ${spec.repeat})` : ''}`)
        throughput.push(await throughputRow(keys, repeat, o, scenario.market.slots, spec.benchTimeMs))
      },
    })
  }
  // The first run's outcome is dropped once its rows are out: the repeats' peak memory is their own.
  const rows = await (async (): Promise<CellRows> => {
    let outcome: RunOutcome
    const randomCalls = mathRandomCalls()
    try {
      const extra = [...(log ? [impressionLog(log)] : []), ...(sellerRounds ? [sellerRounds] : [])]
      outcome = await simulate(1, extra, onProgress)
    } catch (err) {
      log?.abort()
      throw err
    }
    log?.close()
    const { summary, rounds, sellers } = resultRows(keys, outcome)
    return {
      summary,
      rounds,
      sellers,
      throughput,
      ...(sellerRounds && { sellerRounds: outcome.collected.get(sellerRounds) }),
      ...(mathRandomCalls() > randomCalls && { mathRandomCalls: mathRandomCalls() - randomCalls }),
    }
  })()
  for (let repeat = 2; repeat <= spec.repeat; repeat++) {
    onStage?.(`simulating again for timing (repeat ${repeat} of ${spec.repeat})`)
    // The last run's garbage collected first: each repeat's peak memory is its own.
    collectGarbage()
    await simulate(repeat, [])
  }
  return rows
}
