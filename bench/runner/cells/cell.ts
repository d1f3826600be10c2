import type { Row } from '../../../core/csv.ts'
import { generateCatalog } from '../../../datasets/generate.ts'
import { importCatalog } from '../../../datasets/import.ts'
import { ImpressionLogWriter } from '../../log/write.ts'
import { runMarket } from '../../market/run.ts'
import { defineCollector } from '../../market/stream.ts'
import type { RunOutcome } from '../../market/types.ts'
import { collectorsFor } from '../../metrics/definitions.ts'
import { resultRows } from '../../metrics/summarize.ts'
import { loadPluginFile } from '../../plugins/registry.ts'
import type { CellSpec } from '../plan/plan.ts'
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
  throughput: Row
}

/** A collector that hands every session to an impression log writer. */
function impressionLog(log: ImpressionLogWriter) {
  return defineCollector<null>({
    name: 'impression-log',
    create: () => ({ session: (o) => log.write(o), result: () => null }),
  })
}

/**
 * Runs one cell from scratch: loads its plugin, builds its seed's market, simulates, measures.
 * Everything it needs is in the spec, so it runs the same in any thread, in any order.
 */
export async function runCell(
  spec: CellSpec,
  onProgress?: (sessions: number) => void,
  onStage?: (stage: string) => void,
): Promise<CellRows> {
  const { cell, scenario } = spec
  const plugin = await loadPluginFile(spec.pluginFile)
  if (plugin.name !== cell.algorithm)
    throw new Error(`${spec.pluginFile} now defines "${plugin.name}", not "${cell.algorithm}"`)
  const catalog = spec.catalogDir
    ? importCatalog(spec.catalogDir, scenario.catalog, cell.seed)
    : generateCatalog(scenario.catalog, cell.seed, scenario.market.rounds)
  const log = spec.logPath ? new ImpressionLogWriter(spec.logPath, catalog, scenario.market.shuffleSlates) : null
  onStage?.('simulating')
  const keys = { algorithm: cell.algorithm, variant: cell.variant, scenario: cell.scenario, seed: cell.seed }
  let outcome: RunOutcome
  let throughput: Row | undefined
  try {
    outcome = await runMarket({
      plugin,
      params: spec.params,
      pluginFile: spec.pluginFile,
      market: scenario.market,
      catalog,
      ownsCatalog: true,
      seed: cell.seed,
      collectors: [...collectorsFor(), ...(log ? [impressionLog(log)] : [])],
      capture: CAPTURED_SESSIONS,
      warmupSessions: WARMUP_SESSIONS,
      onProgress,
      // Timed before the ranker closes: a plugin in another process is still there to answer.
      beforeClose: async (o) => {
        onStage?.('measuring rank() throughput')
        throughput = await throughputRow(keys, o, scenario.market.slots, spec.benchTimeMs)
      },
    })
  } catch (err) {
    log?.abort()
    throw err
  }
  log?.close()
  const { summary, rounds, sellers } = resultRows(keys, outcome)
  return { summary, rounds, sellers, throughput: throughput! }
}
