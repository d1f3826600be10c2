import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import type { Row } from '../../core/csv.ts'
import { InputError, parseOrThrow } from '../../core/errors.ts'
import { kitPath } from '../../core/paths.ts'
import { SUMMARY_METRICS } from '../metrics/definitions.ts'
import { type PluginRun, pluginRun } from '../plugins/params.ts'
import {
  type BenchmarkConfig,
  type BenchmarkResult,
  combineResults,
  runBenchmark,
  seedList,
} from '../runner/benchmark.ts'
import { plannedRun } from '../runner/plan/planned-run.ts'
import { overlayScenario, type Scenario } from '../runner/plan/scenario.ts'
import { type FactsMarket, factsMarket, refsOf, resolveChecks, unmetConditions } from './conditions.ts'
import { CATALOG_INPUTS, type CatalogInput } from './inputs.ts'
import { PROBES } from './probes.ts'

export const FACTS_FILE = kitPath('seeds/facts.json')
const metricNames = SUMMARY_METRICS.map((m) => m.name) as [string, ...string[]]

/**
 * A number from summary.csv: one algorithm (with parameter overrides, as a variant) in one scenario, mean over seeds.
 */
const RefSchema = z
  .object({
    algorithm: z.string(),
    metric: z.enum(metricNames),
    /**
     * Absent: the scenario `bench facts` runs; "+preset": that scenario with the preset's own settings laid over it.
     */
    scenario: z
      .string()
      .regex(/^\+[a-z0-9-]+$/)
      .optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
export type Ref = z.infer<typeof RefSchema>

export type Check =
  | { kind: 'extreme'; direction: 'highest' | 'lowest'; subject: Ref; among: Ref[] }
  | { kind: 'compare'; left: Ref; op: '<' | '<=' | '>' | '>='; right: Ref | number }
  | { kind: 'between'; ref: Ref; min: number; max: number }
  /** A seller survival rate in the plausible range for the market's rounds (conditions.ts, plausibleSurvival). */
  | { kind: 'survival'; ref: Ref }
  | { kind: 'ratioBelow'; numerator: Ref; denominator: Ref; max: number }
  | { kind: 'probe'; probe: string }
  | { kind: 'all'; checks: Check[] }

const CheckSchema: z.ZodType<Check> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('extreme'),
        direction: z.enum(['highest', 'lowest']),
        subject: RefSchema,
        among: z.array(RefSchema).min(1),
      })
      .strict(),
    z
      .object({
        kind: z.literal('compare'),
        left: RefSchema,
        op: z.enum(['<', '<=', '>', '>=']),
        right: z.union([RefSchema, z.number()]),
      })
      .strict(),
    z.object({ kind: z.literal('between'), ref: RefSchema, min: z.number(), max: z.number() }).strict(),
    z.object({ kind: z.literal('survival'), ref: RefSchema }).strict(),
    z.object({ kind: z.literal('ratioBelow'), numerator: RefSchema, denominator: RefSchema, max: z.number() }).strict(),
    z.object({ kind: z.literal('probe'), probe: z.enum(Object.keys(PROBES) as [string, ...string[]]) }).strict(),
    z.object({ kind: z.literal('all'), checks: z.array(CheckSchema).min(1) }).strict(),
  ]),
)

export const FactSchema = z
  .object({
    /** F: a stylized fact of the sources; M: a check of the model against an outside range (e.g. survival). */
    id: z.string().regex(/^[FM]\d+$/),
    claim: z.string().min(1),
    /** The source it comes from: its id or anchor in docs/SOURCES.md (e.g. '000', 'bls-bed'). */
    source: z.string().regex(/^[a-z0-9-]+$/),
    /** 'base': a claim about the default scenario only; on other scenarios it is reported but not counted. */
    scope: z.enum(['any', 'base']),
    /**
     * Market conditions beyond the catalog inputs its metrics read (inputs.ts): at least `rounds` rounds, or these
     * catalog `inputs`, each with `why` it needs them; where one is not met the fact is not applicable (conditions.ts).
     */
    needs: z
      .array(
        z.union([
          z.object({ rounds: z.number().int().min(1), why: z.string().min(1) }).strict(),
          z
            .object({
              inputs: z.array(z.enum(Object.keys(CATALOG_INPUTS) as [CatalogInput, ...CatalogInput[]])).min(1),
              why: z.string().min(1),
            })
            .strict(),
        ]),
      )
      .optional(),
    check: CheckSchema,
  })
  .strict()
export type Fact = z.infer<typeof FactSchema>

export function loadFacts(file = FACTS_FILE): Fact[] {
  const data = JSON.parse(readFileSync(file, 'utf8'))
  return parseOrThrow(z.object({ $comment: z.string().optional(), facts: z.array(FactSchema) }).strict(), data, file)
    .facts
}

/** The runs the facts need, per scenario: each algorithm × parameter variant once. */
export function plannedRuns(
  facts: Fact[],
  baseScenario: string,
  plugins: Map<string, Plugin>,
): Map<string, PluginRun[]> {
  const plan = new Map<string, Map<string, PluginRun>>()
  for (const ref of facts.flatMap((f) => refsOf(f.check))) {
    const plugin = plugins.get(ref.algorithm)
    if (!plugin)
      throw new InputError(`${FACTS_FILE}: a fact refers to algorithm "${ref.algorithm}", which is not registered`)
    const run = pluginRun(plugin, ref.params)
    const scenario = scenarioName(baseScenario, ref)
    const runs = plan.get(scenario) ?? new Map<string, PluginRun>()
    runs.set(`${run.plugin.name}\u0000${run.variant}`, run)
    plan.set(scenario, runs)
  }
  return new Map([...plan].map(([scenario, runs]) => [scenario, [...runs.values()]]))
}

export interface FactResult {
  fact: Fact
  holds: boolean
  /**
   * False when the market does not meet the fact's conditions (then holds is false and measured names them).
   */
  applicable: boolean
  /** Every number the check read, in words. */
  measured: string
}

/** The summary rows a ref reads (its algorithm, variant and scenario), filtered once per ref. */
export function refRows(summary: Row[], baseScenario: string, plugins: Map<string, Plugin>): (ref: Ref) => Row[] {
  const found = new Map<Ref, Row[]>()
  return (ref) => {
    let rows = found.get(ref)
    if (!rows) {
      const scenario = scenarioName(baseScenario, ref)
      const variant = pluginRun(plugins.get(ref.algorithm)!, ref.params).variant
      rows = summary.filter((r) => r.algorithm === ref.algorithm && r.variant === variant && r.scenario === scenario)
      found.set(ref, rows)
    }
    return rows
  }
}

/** A metric's mean over the rows where it is defined; NaN (fails every comparison) when it never is. */
export function meanOf(rows: readonly Row[], metric: string): number {
  const defined = rows.map((r) => r[metric]).filter((v) => v !== undefined && v !== '')
  return defined.length ? defined.reduce<number>((s, v) => s + Number(v), 0) / defined.length : NaN
}

/** Evaluates the facts on summary rows (mean over seeds per algorithm × variant × scenario). */
export function evaluateFacts(
  facts: Fact[],
  summary: Row[],
  baseScenario: string,
  plugins: Map<string, Plugin>,
  market?: FactsMarket,
): FactResult[] {
  const rowsOf = refRows(summary, baseScenario, plugins)
  const value = (ref: Ref): number => {
    const rows = rowsOf(ref)
    if (rows.length === 0) throw new Error(`no summary rows for ${describe(ref)}`)
    return meanOf(rows, ref.metric)
  }
  const evaluate = (check: Check): { holds: boolean; measured: string[] } => {
    switch (check.kind) {
      case 'extreme': {
        const mine = value(check.subject)
        const others = check.among.map(value)
        const holds = others.every((v) => (check.direction === 'highest' ? mine > v : mine < v))
        const refs = [check.subject, ...check.among]
        const oneMetric = refs.every((r) => r.metric === check.subject.metric)
        const listed = refs
          .map((r, i) => `${oneMetric ? label(r) : describe(r)} ${fmt(i === 0 ? mine : others[i - 1])}`)
          .join(', ')
        return {
          holds,
          measured: [`${oneMetric ? `${check.subject.metric} ` : ''}(${check.direction} wanted first): ${listed}`],
        }
      }
      case 'compare': {
        const left = value(check.left)
        const right = typeof check.right === 'number' ? check.right : value(check.right)
        const holds =
          check.op === '<'
            ? left < right
            : check.op === '<='
              ? left <= right
              : check.op === '>'
                ? left > right
                : left >= right
        const rightText = typeof check.right === 'number' ? fmt(right) : `${describe(check.right)} ${fmt(right)}`
        return { holds, measured: [`${describe(check.left)} ${fmt(left)} ${check.op} ${rightText}`] }
      }
      case 'between': {
        const v = value(check.ref)
        return {
          holds: v >= check.min && v <= check.max,
          measured: [`${describe(check.ref)} ${fmt(v)} in [${check.min}, ${check.max}]`],
        }
      }
      case 'ratioBelow': {
        const n = value(check.numerator)
        const d = value(check.denominator)
        const ratio = d === 0 ? (n === 0 ? 0 : Infinity) : n / d
        return {
          holds: ratio < check.max,
          measured: [
            `${describe(check.numerator)} ${fmt(n)} / ${describe(check.denominator)} ${fmt(d)} = ${fmt(ratio)} < ` +
              `${check.max}`,
          ],
        }
      }
      case 'survival':
        throw new Error('a survival check is resolved to its range before evaluation (conditions.ts resolveChecks)')
      case 'probe': {
        const r = PROBES[check.probe](plugins)
        return { holds: r.holds, measured: [`${check.probe}: ${r.measured}`] }
      }
      case 'all': {
        const parts = check.checks.map(evaluate)
        return {
          holds: parts.every((p) => p.holds),
          measured: parts.flatMap((p) => p.measured.map((m) => `${p.holds ? '✓' : '✗'} ${m}`)),
        }
      }
    }
  }
  const label = (ref: Ref) =>
    [
      ref.algorithm,
      ref.params ? `(${pluginRun(plugins.get(ref.algorithm)!, ref.params).variant})` : '',
      ref.scenario ? ` ${ref.scenario}` : '',
    ].join('')
  const describe = (ref: Ref) => `${label(ref)} ${ref.metric}`
  return facts.map((fact) => {
    const unmet = market ? unmetConditions(fact, market) : []
    if (unmet.length) return { fact, holds: false, applicable: false, measured: `not applicable: ${unmet.join('; ')}` }
    const { holds, measured } = evaluate(fact.check)
    return { fact, holds, applicable: true, measured: measured.join('; ') }
  })
}

/** The scenario a ref reads: the base, or the base with a preset laid over it (named base+preset). */
export function scenarioName(base: string, ref: Ref): string {
  return ref.scenario ? `${base}${ref.scenario}` : base
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return 'empty'
  if (!Number.isFinite(x)) return String(x)
  return String(Number(x.toPrecision(4)))
}

export interface FactsRun {
  results: FactResult[]
  /** Every run's rows, all scenarios together: the results folder of `bench facts`. */
  benchmark: BenchmarkResult
  configs: BenchmarkConfig[]
  /** The scenario the facts ran on (named after an imported catalog when it declares a name). */
  base: Scenario
}

/** The runs the facts need on one market, planned (and sized, by their seed count) before anything runs. */
export interface FactsPlan {
  market: FactsMarket
  /** The facts with their checks resolved for this market (conditions.ts resolveChecks). */
  facts: Fact[]
  /** Each run without its seed list, which is only built once the plan's size has been accepted. */
  runs: Omit<BenchmarkConfig, 'seeds'>[]
  seeds: number
}

/** Plans what the applicable facts need on a scenario (and the overlays they ask for): each run once. */
export function planFactsRuns(options: {
  facts: Fact[]
  scenario: Scenario
  scenarioRef: string
  seeds: number
  /** An imported catalog folder (bench facts --catalog) instead of the scenario's generated market. */
  catalogDir?: string
  plugins: Map<string, Plugin>
  sources: Map<string, string>
  benchTimeMs: number
  onProgress?: (sessions: number) => void
  onStage?: (stage: string) => void
}): FactsPlan {
  const market = factsMarket(options.scenario, options.facts, options.catalogDir)
  const { base } = market
  const facts = resolveChecks(options.facts, base.market.rounds, market.incumbents)
  const applicable = facts.filter((f) => unmetConditions(f, market).length === 0)
  const runs = [...plannedRuns(applicable, base.name, options.plugins)].map(([name, runs]) => {
    const overlay = name.slice(base.name.length + 1)
    return {
      scenario: name === base.name ? base : overlayScenario(base, overlay),
      scenarioRef: name === base.name ? options.scenarioRef : `${options.scenarioRef}+${overlay}`,
      plugins: runs.map((run) => plannedRun(run, options.sources.get(run.plugin.name) ?? '', [])),
      catalogDir: options.catalogDir,
      benchTimeMs: options.benchTimeMs,
      onProgress: options.onProgress,
      onStage: options.onStage,
    }
  })
  return { market, facts, runs, seeds: options.seeds }
}

/** Runs a plan's runs over its seeds, then evaluates its facts on the summary rows (mean over seeds). */
export async function runFactsPlan(plan: FactsPlan, plugins: Map<string, Plugin>): Promise<FactsRun> {
  const configs = plan.runs.map((run) => ({ ...run, seeds: seedList(run.scenario, plan.seeds) }))
  const results: BenchmarkResult[] = []
  for (const config of configs) results.push(await runBenchmark(config))
  const benchmark = combineResults(results)
  if (benchmark.failures.length) {
    const failures = benchmark.failures.map((f) => `${f.spec.cell.id} failed in round ${f.round}: ${f.reason}`)
    throw new Error(`the facts cannot be checked: ${failures.join('; ')}`)
  }
  const { base } = plan.market
  return {
    results: evaluateFacts(plan.facts, benchmark.summary, base.name, plugins, plan.market),
    benchmark,
    configs,
    base,
  }
}

/** Whether a result counts toward --strict: 'base' facts count only on the default scenario. */
export function counts(result: FactResult, scenarioName: string): boolean {
  return result.fact.scope === 'any' || scenarioName === 'default'
}
