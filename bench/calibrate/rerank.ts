import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Row } from '../../core/csv.ts'
import { InputError } from '../../core/errors.ts'
import { logName, type ScannedLog } from '../log/measure.ts'
import { BlockReplays, LogReplay, logSource } from '../log/replay.ts'
import { MarketParamsSchema } from '../market/params.ts'
import { collectorsFor } from '../metrics/definitions.ts'
import type { ResultRows } from '../metrics/summarize.ts'
import { expandRuns, type PluginRun, refuseMeaninglessParams } from '../plugins/params.ts'
import { loadRegistry, selectPlugins } from '../plugins/registry.ts'
import { loadCalibration, MAX_SLOTS, writeCalibration } from './calibration-dir.ts'
import { CandidateSets } from './candidates.ts'
import { calibrateScanned, readLog } from './index.ts'
import { LOGGED, LoggedRun, type LoggedSessionResult } from './logged-run.ts'
import { OpeEstimates } from './ope.ts'

export interface RerankOptions {
  log: string
  products?: string
  sellers?: string
  sellersRun?: string
  /** A bench calibrate folder (fit.csv, catalog/); default: calibrate on the log itself, without bootstrap. */
  calibration?: string
  algorithms?: string[]
  plugin: string[]
  param: string[]
  sweep: string[]
  scenario?: string
  seed: number
  bootstrap: number
  /** Importance weights are cut at this (Infinity: off). */
  clip: number
  /** Only these rounds are re-ranked (the held-out part of a validation); default every round. */
  rounds?: readonly number[]
  /** 'round': the results files measure each round on its own (seed = the round), for compare's replicates. */
  blocks?: 'round'
  /** A file with each session's retrieval set (bench/calibrate/candidates.ts). */
  candidates?: string
  onProgress?: (done: number, total: number, name: string) => void
  onWarning?: (message: string) => void
}

/** One run's rows: the results schema (a summary row per block), and its off-policy estimates. */
export interface RerankRun extends Omit<ResultRows, 'summary'> {
  summary: Row[]
  ope: Row[]
}

/**
 * bench rerank: every plugin (and the logged order) ranks each logged session's products; the
 * calibrated buyer meets its slate; the results are measured as a log is (bench metrics: one
 * definition of every metric) and estimated off-policy (ope.csv).
 */
export async function rerank(o: RerankOptions) {
  const { sellers, scanned } = await readLog(o)
  const temp = mkdtempSync(join(tmpdir(), 'trafficbench-rerank-'))
  const cleanup: (() => void)[] = []
  try {
    const calibration = o.calibration ?? (await inProcessCalibration(o, scanned, sellers, temp))
    const { catalog, buyer, toCatalog, toLog, productIndex } = loadCalibration(calibration, scanned, o.seed)
    const { tables, shape } = scanned
    const maxPosition = Math.max(1, shape.maxPosition)
    const k = Math.min(MAX_SLOTS, maxPosition)
    const runs = await pluginRuns(o)
    // As bench run does: a parameter that cannot apply to slates of k positions is refused before anything ranks.
    refuseMeaninglessParams(
      runs.flatMap((r) => (r.plugin ? [{ plugin: r.plugin, params: r.params }] : [])),
      k,
    )
    const candidates = o.candidates
      ? await CandidateSets.read(o.candidates, (id) => productIndex.get(id), shape.hasRelevance)
      : null
    cleanup.push(() => candidates?.remove())
    const name = o.scenario ?? logName(o.log)
    const rounds = new Set(o.rounds ?? shape.rounds)
    const sessions = countSessions(scanned, rounds)
    const results: RerankRun[] = []
    for (const [i, run] of runs.entries()) {
      const logged = new LoggedRun({
        plugin: run.plugin,
        params: run.params,
        file: run.file,
        catalog,
        buyer,
        toCatalog,
        toLog,
        k,
        maxPosition,
        seed: o.seed,
        clip: o.clip,
        relevanceColumn: shape.hasRelevance,
        velocityDecay: MarketParamsSchema.parse({}).velocityDecay,
      })
      const algorithm = run.plugin?.name ?? LOGGED
      const keysOf = (seed: number) => ({ algorithm, variant: run.variant, scenario: name, seed })
      const replays = new BlockReplays(
        keysOf,
        o.blocks,
        () => new LogReplay(logSource(tables, shape, buyer.examination, sellers), tables.remap, collectorsFor()),
        o.seed,
      )
      const ope = new OpeEstimates(o.bootstrap, maxPosition, o.seed)
      const emit = (r: LoggedSessionResult) => {
        replays.at(r.shown.round).session(r.shown)
        ope.session(r.expected, r.logged, r.weight)
      }
      let finished = false
      try {
        const extra = candidates?.cursor()
        for (const s of scanned.spool.read()) {
          const block = extra?.take(s.round, s.id) ?? null
          if (rounds.has(s.round)) await logged.session(s, emit, block)
        }
        extra?.end()
        finished = true
      } finally {
        // A failed run still stops its plugin (a process plugin's process); only a finished one ranks its last batch.
        await logged.finish(finished ? emit : null)
      }
      const { rankedSessions: _, ...rows } = replays.rows()
      const keys = keysOf(o.seed)
      // Without propensities the weights of a plugin's slate are unknown: only the model's estimate stands.
      const weighable = (estimator: string) => estimator === 'dm' || !run.plugin || shape.hasPropensity
      const opeRows = ope
        .results(sessions)
        .filter((e) => weighable(e.estimator))
        .map((e) => ({
          algorithm: keys.algorithm,
          variant: keys.variant,
          metric: e.metric,
          estimator: e.estimator,
          value: e.value,
          ci_low: Number.isFinite(e.low) ? e.low : '',
          ci_high: Number.isFinite(e.high) ? e.high : '',
          n: sessions,
        }))
      results.push({ ...rows, ope: opeRows })
      o.onProgress?.(i + 1, runs.length, keys.algorithm)
    }
    return { name, results, shape, calibration: o.calibration ?? 'fitted on the log itself (no bootstrap)' }
  } finally {
    for (const done of cleanup) done()
    scanned.spool.remove()
    rmSync(temp, { recursive: true, force: true })
  }
}

/** Without --calibration: the log's own calibration, written where importCatalog can read it. */
async function inProcessCalibration(
  o: RerankOptions,
  scanned: ScannedLog,
  sellers: Parameters<typeof calibrateScanned>[2],
  dir: string,
): Promise<string> {
  const calibration = await calibrateScanned({ ...o, bootstrap: 0, tuneBuyer: false }, scanned, sellers)
  return writeCalibration(dir, calibration.files)
}

type RerankPluginRun = Omit<PluginRun, 'plugin'> & { plugin: PluginRun['plugin'] | null; file?: string }

/**
 * The logged order first, then each plugin run (--param and --sweep applied): --algorithms names them;
 * without it, the --plugin files, or else every built-in that runs by default and reads no hidden truth.
 */
async function pluginRuns(o: RerankOptions): Promise<RerankPluginRun[]> {
  const registry = await loadRegistry(o.plugin)
  const names = o.algorithms?.filter((a) => a !== LOGGED)
  const selected =
    names !== undefined
      ? names.length
        ? selectPlugins(registry, names)
        : []
      : o.plugin.length
        ? [...registry.values()].filter((r) => o.plugin.includes(r.file))
        : selectPlugins(registry, undefined).filter((r) => r.plugin.truth !== true)
  for (const s of selected)
    if (s.plugin.truth === true)
      throw new InputError(
        `${s.plugin.name} reads the simulation's hidden truth (truth: true), which a log does not have`,
      )
  for (const { plugin, file } of registry.values())
    if (o.plugin.includes(file) && !selected.some((r) => r.file === file))
      o.onWarning?.(`--plugin ${file} defines "${plugin.name}", which --algorithms does not name: it does not run`)
  const runs = expandRuns(
    selected.map((s) => s.plugin),
    o.param,
    o.sweep,
  ).map((run) => {
    const { file } = selected.find((s) => s.plugin === run.plugin)!
    return { ...run, file: o.plugin.includes(file) ? file : undefined }
  })
  return [{ plugin: null, params: {}, variant: '' }, ...runs]
}

function countSessions(scanned: ScannedLog, rounds: Set<number>): number {
  let n = 0
  for (const s of scanned.spool.read()) if (rounds.has(s.round)) n++
  return n
}
