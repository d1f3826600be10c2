import { type Row, toCsv } from '../../core/csv.ts'
import { FACT_COLUMNS } from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { buildManifest, resultFiles } from '../runner/benchmark.ts'
import { type Progress, progress } from '../runner/execute.ts'
import { checkPlan, type Estimate, estimatePlan, planSize } from '../runner/plan/estimate.ts'
import { loadScenario, overlayScenario, type Scenario } from '../runner/plan/scenario.ts'
import { counts, type FactsRun, loadFacts, plannedRuns, runFacts } from './facts.ts'
import { factMargins } from './margins.ts'

/** What `bench facts` is asked: the scenario (or an imported catalog on its market), seeds, the throughput budget. */
export interface FactsRequest {
  scenario: string
  catalog?: string
  seeds: number
  benchTimeMs: number
}

/** The facts' job, planned and sized before anything runs. */
export interface FactsJob {
  scenario: Scenario
  estimate: Estimate
  notice: string | null
  /** Runs it; the files of its results folder (facts.csv among them) and the facts' rows. */
  run(commandLine: string[], started: Date, quiet?: boolean): Promise<FactsOutcome>
}

export interface FactsOutcome {
  files: Record<string, string>
  rows: Row[]
  factsCsv: string
  run: FactsRun
}

export async function planFacts(request: FactsRequest): Promise<FactsJob> {
  const scenario = loadScenario(request.scenario)
  const registry = await loadRegistry()
  const facts = loadFacts()
  const plugins = new Map([...registry].map(([name, r]) => [name, r.plugin]))
  // The scenarios the facts need (the base and overlays such as +black-friday), sized before anything runs.
  const plans = [...plannedRuns(facts, scenario.name, plugins)].map(([name, runs]) =>
    planSize(name === scenario.name ? scenario : overlayScenario(scenario, name.slice(scenario.name.length + 1)), {
      runs: runs.length,
      seeds: request.seeds,
      benchTimeMs: request.benchTimeMs,
      catalogDir: request.catalog,
    }),
  )
  const estimate = estimatePlan(plans)
  const run = async (commandLine: string[], started: Date, quiet?: boolean): Promise<FactsOutcome> => {
    const shown: Progress = progress(quiet)
    const run = await runFacts({
      facts,
      scenario,
      scenarioRef: request.scenario,
      seeds: request.seeds,
      catalogDir: request.catalog,
      plugins,
      sources: new Map([...registry].map(([name, r]) => [name, r.file])),
      benchTimeMs: request.benchTimeMs,
      onPlan: (total) => shown.start(total),
      onProgress: shown.onProgress,
      onStage: shown.onStage,
    }).finally(() => shown.stop())
    const market = run.base.name
    const applicable = run.results.filter((r) => r.applicable).map((r) => r.fact)
    const margins = factMargins(applicable, run.benchmark.summary, market, plugins)
    const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x)
    const rows = run.results.map((r) => {
      const m = margins.get(r.fact.id)
      return {
        id: r.fact.id,
        claim: r.fact.claim,
        source: r.fact.source,
        scope: r.fact.scope,
        scenario: market,
        seeds: request.seeds,
        holds: !r.applicable ? 'n/a' : `${r.holds ? 'yes' : 'no'}${counts(r, market) ? '' : ' (base only)'}`,
        margin: finite(m?.margin),
        margin_ci_low: finite(m?.low),
        margin_ci_high: finite(m?.high),
        seeds_holding: m ? m.seedsHolding : '',
        measured: r.measured,
      }
    })
    // With every market fact not applicable only the probes ran: no config ran a market.
    const config = run.configs[0] ?? {
      scenario: run.base,
      scenarioRef: request.scenario,
      plugins: [],
      seeds: [],
      catalogDir: request.catalog,
      benchTimeMs: request.benchTimeMs,
    }
    const manifest = {
      ...buildManifest(config, commandLine.slice(1), started),
      facts: 'seeds/facts.json',
      scenarios: run.configs.map((c) => c.scenario.name),
    }
    const factsCsv = toCsv(FACT_COLUMNS, rows)
    return { files: resultFiles(run.benchmark, manifest, { 'facts.csv': factsCsv }), rows, factsCsv, run }
  }
  return { scenario, estimate, notice: checkPlan(estimate), run }
}
