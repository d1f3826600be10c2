import { resolve } from 'node:path'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import { InputError } from '../../core/errors.ts'
import { importCatalog } from '../../datasets/import.ts'
import { expandRuns, type PluginRun, pluginRun, refuseMeaninglessParams } from '../plugins/params.ts'
import {
  loadPluginFile,
  loadRegistry,
  type RegisteredPlugin,
  registerDeclared,
  selectPlugins,
} from '../plugins/registry.ts'
import { remoteSource } from '../plugins/remote/spec.ts'
import { type BenchmarkConfig, seedList } from './benchmark.ts'
import { defaultWorkers } from './cells/pool.ts'
import type { RunFlags } from './options.ts'
import { checkPlan, type Estimate, estimatePlan, planSize } from './plan/estimate.ts'
import { type PlannedRun, plannedRun } from './plan/planned-run.ts'
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
export async function prepareRun(request: RunFlags, afterPluginCode = () => {}): Promise<PreparedRun> {
  const scenario = loadScenario(request.scenario)
  if (request.rounds !== undefined) scenario.market.rounds = request.rounds
  if (request.sessions !== undefined) scenario.market.sessionsPerRound = request.sessions
  const shard = request.shard === undefined ? undefined : parseShard(request.shard)
  const registry = await loadRegistry(request.plugin, request.sealed ? describedSealed : undefined)
  const selected = selectPlugins(registry, request.algorithms)
  const rules = request.sameRules === undefined ? undefined : rulesOf(registry, request.sameRules)
  // A plugin file given but left out by --algorithms would otherwise be loaded and never run, without a word.
  const warnings = [...registry.values()]
    .filter(
      ({ file }) => request.plugin.includes(file) && !selected.some((s) => s.file === file) && rules?.file !== file,
    )
    .map(
      ({ plugin, file }) =>
        `--plugin ${file} defines "${plugin.name}", which --algorithms does not name: it does not run`,
    )
  const runs = expandRuns(
    selected.map((s) => s.plugin),
    request.param,
    request.sweep,
  )
  refuseMeaninglessParams(runs, scenario.market.slots)
  const fileOf = (run: PluginRun) => selected.find((s) => s.plugin === run.plugin)!.file
  const plugins = runs.map((run) => plannedRun(run, fileOf(run), request.plugin, rules?.run))
  const sameRules = rules && plannedRun(rules.run, rules.file, request.plugin)
  if (request.sealed) refuseUnsealable(plugins, sameRules)
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
    writeLog: !!request.writeLog,
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
    sealed: !!request.sealed,
    workers: request.workers,
    cellTimeoutMs: request.cellTimeout === undefined ? undefined : request.cellTimeout * 1000,
    cellMemoryMb: request.cellMemory,
    shard,
  }
  // Before this function's promise resolves with the plan: a thenable Object.prototype would hijack it.
  afterPluginCode()
  return { config, estimate, notice, warnings }
}

/** --same-rules NAME: the plugin whose rules every run takes, with its default params; an unknown name is refused. */
function rulesOf(registry: Map<string, RegisteredPlugin>, name: string): { run: PluginRun; file: string } {
  const found = registry.get(name)
  if (!found)
    throw new InputError(
      `--same-rules ${name}: unknown algorithm; known: ${[...registry.keys()].join(', ')} (or load it with --plugin)`,
    )
  return { run: pluginRun(found.plugin), file: found.file }
}

/** --sealed runs plugin modules in processes of their own: a process plugin is one already, --same-rules not yet. */
function refuseUnsealable(plugins: PlannedRun[], sameRules: PlannedRun | undefined): void {
  // A Python file, a manifest or a service runs in another process already: --sealed has nothing to seal.
  const remote = plugins.find((p) => remoteSource(p.source) !== null)
  if (remote)
    throw new InputError(
      `--sealed: ${remote.name} (${remote.source}) runs in a process or service of its own already; --sealed seals ` +
        'TypeScript and JavaScript plugins (run it without --sealed, or leave it out)',
    )
  if (sameRules) throw new InputError('--sealed with --same-rules is not supported yet: run them separately')
}

/**
 * --sealed: a --plugin module is never imported here, not even its top level; its own sealed process describes it and
 * answers its parameters' checks and rules. Process plugins load as usual (and are refused by refuseUnsealable).
 */
async function describedSealed(file: string): Promise<Plugin> {
  if (remoteSource(file)) return loadPluginFile(file)
  const { describeSealed } = await import('../plugins/sealed/describe.ts')
  return registerDeclared(describeSealed(resolve(file), []), file)
}
