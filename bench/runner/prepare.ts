import { resolve } from 'node:path'
import { InputError } from '../../core/errors.ts'
import { importCatalog } from '../../datasets/import.ts'
import { expandRuns, type PluginRun, pluginRun, refuseMeaninglessParams } from '../plugins/params.ts'
import { loadRegistry, type RegisteredPlugin, selectPlugins } from '../plugins/registry.ts'
import { isServiceUrl } from '../plugins/remote/spec.ts'
import { type BenchmarkConfig, seedList } from './benchmark.ts'
import { defaultWorkers } from './cells/pool.ts'
import type { RunFlags } from './options.ts'
import { checkPlan, type Estimate, estimatePlan, planSize } from './plan/estimate.ts'
import type { PlannedRun } from './plan/plan.ts'
import { loadScenario } from './plan/scenario.ts'
import { parseShard } from './plan/shard.ts'

export interface PreparedRun {
  config: BenchmarkConfig
  estimate: Estimate
  /** One line about the run's size or memory, to print before it starts; null when there is nothing to say. */
  notice: string | null
  /** Things the user may not have meant (a --plugin file that --algorithms leaves out). */
  warnings: string[]
}

/**
 * Everything that can be refused is refused here, before a session is simulated: the scenario and
 * its overrides, the shard, the plugins and their parameters, the catalog, the run's size.
 */
export async function prepareRun(request: RunFlags): Promise<PreparedRun> {
  const scenario = loadScenario(request.scenario)
  if (request.rounds !== undefined) scenario.market.rounds = request.rounds
  if (request.sessions !== undefined) scenario.market.sessionsPerRound = request.sessions
  const shard = request.shard === undefined ? undefined : parseShard(request.shard)
  const registry = await loadRegistry(request.plugin)
  const selected = selectPlugins(registry, request.algorithms)
  const sameRules = request.sameRules === undefined ? undefined : rulesOf(registry, request.sameRules, request.plugin)
  // A plugin file given but left out by --algorithms would otherwise be loaded and never run, without a word.
  const warnings = [...registry.values()]
    .filter(
      ({ file }) =>
        request.plugin.includes(file) && !selected.some((s) => s.file === file) && sameRules?.source !== file,
    )
    .map(
      ({ plugin, file }) =>
        `--plugin ${file} defines "${plugin.name}", which --algorithms does not name: it does not run`,
    )
  const plugins = expandRuns(
    selected.map((s) => s.plugin),
    request.param,
    request.sweep,
  ).map((run) => planned(run, selected.find((s) => s.plugin === run.plugin)!.file, request.plugin))
  refuseMeaninglessParams(plugins, scenario.market.slots)
  const imported = request.catalog ? importCatalog(request.catalog, scenario.catalog, scenario.seed) : undefined
  // An imported catalog's own name labels the rows and the folder instead of the preset's.
  if (imported?.name) scenario.name = imported.name
  const size = {
    runs: plugins.length,
    seeds: request.seeds,
    benchTimeMs: request.benchTime,
    catalogDir: request.catalog,
    repeat: request.repeat,
    sellerRounds: !!request.sellerRounds,
  }
  const estimate = estimatePlan([planSize(scenario, size)], request.workers ?? defaultWorkers())
  // Refused here when the machine cannot hold it, before the seeds are even listed (--seeds 1e9).
  const notice = checkPlan(estimate)
  const config: BenchmarkConfig = {
    scenario,
    scenarioRef: request.scenario,
    plugins,
    seeds: seedList(scenario, request.seeds),
    catalogDir: request.catalog,
    importedCatalog: imported?.imported,
    benchTimeMs: request.benchTime,
    repeat: request.repeat,
    writeLog: request.writeLog,
    sellerRounds: !!request.sellerRounds,
    sameRules,
    workers: request.workers,
    cellTimeoutMs: request.cellTimeout === undefined ? undefined : request.cellTimeout * 1000,
    cellMemoryMb: request.cellMemory,
    shard,
  }
  return { config, estimate, notice, warnings }
}

/** A run as the plan takes it: where its plugin came from (a --plugin file by its absolute path or URL). */
function planned(run: PluginRun, file: string, given: string[]): PlannedRun {
  const own = given.includes(file)
  return {
    ...run,
    source: file,
    file: own && !isServiceUrl(file) ? resolve(file) : own ? file : undefined,
  }
}

/** --same-rules NAME: the plugin whose rules every run takes, with its default params; an unknown name is refused. */
function rulesOf(registry: Map<string, RegisteredPlugin>, name: string, given: string[]): PlannedRun {
  const found = registry.get(name)
  if (!found)
    throw new InputError(
      `--same-rules ${name}: unknown algorithm; known: ${[...registry.keys()].join(', ')} (or load it with --plugin)`,
    )
  return planned(pluginRun(found.plugin), found.file, given)
}
