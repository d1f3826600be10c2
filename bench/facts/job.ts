import { type Row, toCsv } from '../../core/csv.ts'
import { FACT_COLUMNS, FACT_MAP_COLUMNS } from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { type BenchmarkResult, buildManifest, combineResults, resultFiles } from '../runner/benchmark.ts'
import { defaultWorkers } from '../runner/cells/pool.ts'
import { type Progress, progress } from '../runner/execute.ts'
import { checkPlan, type Estimate, estimatePlan, planSize } from '../runner/plan/estimate.ts'
import { loadScenario, type Scenario } from '../runner/plan/scenario.ts'
import { parseSettingFlag, withSettings } from '../runner/plan/settings.ts'
import { factsMarket } from './conditions.ts'
import {
  counts,
  type FactResult,
  type FactsPlan,
  type FactsRun,
  loadFacts,
  planFactsRuns,
  runFactsPlan,
} from './facts.ts'
import { type MapPoint, mapPoints, settingsText, varyAxes } from './map.ts'
import { type FactMargin, factMargins } from './margins.ts'

/** What `bench facts` is asked: the scenario (or an imported catalog on its market), seeds, the throughput budget. */
export interface FactsRequest {
  scenario: string
  catalog?: string
  seeds: number
  benchTimeMs: number
  /** `PATH=value` settings laid over the scenario (--set). */
  set?: string[]
  /** `PATH=v1,v2,…` settings to map the facts across (--vary); one at a time unless grid. */
  vary?: string[]
  grid?: boolean
}

/** The facts' job, planned and sized before anything runs. */
export interface FactsJob {
  scenario: Scenario
  estimate: Estimate
  notice: string | null
  /** The map's points (one, the scenario itself, without --vary). */
  points: MapPoint[]
  /** Runs it; the files of its results folder (facts.csv among them) and the facts' rows. */
  run(commandLine: string[], started: Date, quiet?: boolean): Promise<FactsOutcome>
}

export interface FactsOutcome {
  files: Record<string, string>
  /** facts.csv's rows: the scenario itself (the map's base point). */
  rows: Row[]
  factsCsv: string
  /** facts_map.csv's rows, every point (with --vary). */
  mapRows: Row[]
  run: FactsRun
}

export async function planFacts(request: FactsRequest): Promise<FactsJob> {
  const sets = (request.set ?? []).map((flag) => parseSettingFlag(flag, '--set'))
  const scenario = withSettings(
    loadScenario(request.scenario),
    sets.map((s) => [s.path, s.values[0]]),
  )
  const registry = await loadRegistry()
  const facts = loadFacts()
  const plugins = new Map([...registry].map(([name, r]) => [name, r.plugin]))
  const sources = new Map([...registry].map(([name, r]) => [name, r.file]))
  // Over an imported catalog the market is named after it; the map's points carry that name on.
  const market = request.catalog ? factsMarket(scenario, facts, request.catalog).base : scenario
  const points = mapPoints(market, varyAxes(request.vary ?? [], market), request.grid === true)
  const scenarioRef = [request.scenario, ...(request.set ?? [])].join(' ')
  const shown: { progress: Progress } = { progress: progress(true) }
  // Every point's runs, planned (and sized) before any of them runs.
  const plans: FactsPlan[] = points.map((point) =>
    planFactsRuns({
      facts,
      scenario: point.scenario,
      scenarioRef: point.changed.length ? `${scenarioRef} with ${settingsText(point.changed)}` : scenarioRef,
      seeds: request.seeds,
      catalogDir: request.catalog,
      plugins,
      sources,
      benchTimeMs: request.benchTimeMs,
      onProgress: (n) => shown.progress.onProgress(n),
      onStage: (stage) => shown.progress.onStage(stage),
    }),
  )
  const sizes = plans.flatMap((plan, point) =>
    plan.runs.map((c) =>
      planSize(c.scenario, {
        runs: c.plugins.length,
        seeds: request.seeds,
        benchTimeMs: request.benchTimeMs,
        catalogDir: request.catalog,
        summaryOnly: point > 0,
      }),
    ),
  )
  const estimate = estimatePlan(sizes, defaultWorkers())
  const run = async (commandLine: string[], started: Date, quiet?: boolean): Promise<FactsOutcome> => {
    shown.progress = progress(quiet)
    shown.progress.start(sizes.reduce((t, p) => t + p.runs * p.seeds * p.rounds * p.sessionsPerRound, 0))
    const runs: FactsRun[] = []
    try {
      for (const plan of plans) {
        const done = await runFactsPlan(plan, plugins)
        // Beyond the base point only the summary and speed rows are kept: the map reads means over seeds.
        runs.push(runs.length ? { ...done, benchmark: { ...done.benchmark, rounds: [], sellers: [] } } : done)
      }
    } finally {
      shown.progress.stop()
    }
    const rowsOf = (point: MapPoint, done: FactsRun) => {
      const market = done.base.name
      const margins = factMargins(
        done.results.filter((r) => r.applicable).map((r) => r.fact),
        done.benchmark.summary,
        market,
        plugins,
      )
      // A point of the map is the scenario with an assumption moved: base-scope facts count where they count on it.
      const countedOn = points[0].scenario.name
      return done.results.map((r) => factRow(r, margins.get(r.fact.id), market, countedOn, request.seeds, point))
    }
    const mapped = runs.map((done, i) => rowsOf(points[i], done))
    const base = runs[0]
    const rows = mapped[0].map(({ changed: _c, settings: _s, ...row }) => row)
    const benchmark: BenchmarkResult = runs.length > 1 ? combineResults(runs.map((r) => r.benchmark)) : base.benchmark
    // With every market fact not applicable only the probes ran: no config ran a market.
    const config = base.configs[0] ?? {
      scenario: base.base,
      scenarioRef,
      plugins: [],
      seeds: [],
      catalogDir: request.catalog,
      benchTimeMs: request.benchTimeMs,
    }
    const manifest = {
      ...buildManifest(config, commandLine.slice(1), started),
      facts: 'seeds/facts.json',
      scenarios: runs.flatMap((r) => r.configs.map((c) => c.scenario.name)),
      ...(points.length > 1 && {
        map: points.map((p) => ({ scenario: p.scenario.name, changed: settingsText(p.changed) })),
      }),
    }
    const factsCsv = toCsv(FACT_COLUMNS, rows)
    const mapRows = points.length > 1 ? mapped.flat() : []
    const extra = {
      'facts.csv': factsCsv,
      ...(mapRows.length && { 'facts_map.csv': toCsv(FACT_MAP_COLUMNS, mapRows) }),
    }
    return { files: resultFiles(benchmark, manifest, extra), rows, factsCsv, mapRows, run: base }
  }
  return { scenario, estimate, notice: checkPlan(estimate), points, run }
}

/** One fact's row of facts.csv (and, with the point's settings, of facts_map.csv). */
function factRow(
  r: FactResult,
  m: FactMargin | null | undefined,
  market: string,
  countedOn: string,
  seeds: number,
  point: MapPoint,
): Row {
  const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x)
  return {
    id: r.fact.id,
    claim: r.fact.claim,
    source: r.fact.source,
    scope: r.fact.scope,
    scenario: market,
    changed: settingsText(point.changed),
    settings: settingsText(point.settings),
    seeds,
    holds: !r.applicable ? 'n/a' : `${r.holds ? 'yes' : 'no'}${counts(r, countedOn) ? '' : ' (base only)'}`,
    margin: finite(m?.margin),
    margin_ci_low: finite(m?.low),
    margin_ci_high: finite(m?.high),
    seeds_holding: m ? m.seedsHolding : '',
    measured: r.measured,
  }
}
