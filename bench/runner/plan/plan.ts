import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import stringify from 'safe-stable-stringify'
import { KIT_ROOT } from '../../../core/paths.ts'
import { isServiceUrl } from '../../plugins/remote/spec.ts'
import type { PlannedRun } from './planned-run.ts'
import type { Scenario } from './scenario.ts'

const ROOT = KIT_ROOT
/** The kit's own source: a change to any of it gives every cell a new hash (no stale cell is reused). */
const KIT_SOURCES = ['algorithms', 'bench', 'core', 'datasets', 'seeds', 'package-lock.json']

/** One independent unit of a run: one plugin configuration over one seed's market. */
export interface Cell {
  /** Position in the plan: the order of rows in every result file. */
  index: number
  /** Readable and unique within a plan: "default/amazon/seed1", "default/amazon[adSlots=2]/seed1". */
  id: string
  scenario: string
  algorithm: string
  variant: string
  seed: number
  /**
   * sha256 of everything that decides the cell's rows: not the throughput budget (--bench-time) nor the number of
   * timings (--repeat), whose figures are apart from determinism anyway.
   */
  hash: string
}

/** What a worker needs to run a cell: plain data only (it crosses a thread boundary). */
export interface CellSpec {
  cell: Cell
  scenario: Scenario
  /** Absolute path of the plugin's file; the worker loads it in a fresh context. */
  pluginFile: string
  params: Record<string, unknown>
  catalogDir?: string
  benchTimeMs: number
  /** Times the cell's speed is measured (bench run --repeat): the first on the run itself, the rest on reruns. */
  repeat: number
  /** Also gather seller_rounds.csv's records (bench run --seller-rounds). */
  sellerRounds: boolean
  /** The plugin whose platform() sets the rules, with its default params (bench run --same-rules). */
  rulesFrom?: { name: string; pluginFile: string; params: Record<string, unknown> }
  /** Write the cell's impression log here (bench run --write-log). */
  logPath?: string
  /**
   * Run the plugin in a process of its own (bench run --sealed), reading only these files besides its bundle (its
   * own, declared and parameter files); `truth` when it declares it reads the hidden truth.
   */
  sealed?: { reads: string[]; truth: boolean }
}

export interface PlanInput {
  scenario: Scenario
  /**
   * `source`: as the manifest names it (built-ins relative to the kit); `file`: its absolute path, when `source` is not
   * relative to the kit.
   */
  plugins: PlannedRun[]
  seeds: number[]
  catalogDir?: string
  benchTimeMs: number
  /** Speed measurements per cell (default 1). */
  repeat?: number
  writeLog?: boolean
  sellerRounds?: boolean
  /** Every run under this plugin's platform rules (its default params) instead of its own (--same-rules). */
  sameRules?: PlannedRun
  /** Each plugin in a process of its own (--sealed): the same rows, so not part of a cell's hash. */
  sealed?: boolean
}

export interface Plan {
  /** sha256 over the cells' hashes in order: two folders with the same plan hash hold parts of one run. */
  hash: string
  /**
   * sha256 over what the command asked for (cells, scenario, parameters), not the content of the files
   * behind them: a rerun after a plugin's file changed has the same identity and resumes.
   */
  identity: string
  specs: CellSpec[]
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/** Every file under the given paths, in a fixed order, hashed with its path. */
function treeHash(root: string, paths: string[]): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry))
      return
    }
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0')
  }
  for (const p of paths) visit(join(root, p))
  return hash.digest('hex')
}

/**
 * What decides a plugin's rows besides the kit: its entry file, the modules it imports and the files
 * it declares (folders whole), by path relative to the entry's folder. A service's URL is all there is
 * to hash of it: what it serves is its own.
 */
function pluginFingerprint(entry: string, files: readonly string[]): string {
  if (isServiceUrl(entry)) return sha256(entry)
  const base = dirname(entry)
  return treeHash(
    base,
    [...new Set([entry, ...files])].map((f) => relative(base, f)),
  )
}

let kitHash: string | undefined
/** The kit's source and the Node version, hashed once per process. */
export function kitFingerprint(): string {
  kitHash ??= sha256(`${process.version}\0${treeHash(ROOT, KIT_SOURCES)}`)
  return kitHash
}

export const planHash = (specs: readonly CellSpec[]): string => sha256(specs.map((s) => s.cell.hash).join('\n'))

/** Where a worker loads a planned plugin from: its own path, a service's URL, or the built-in's path in the kit. */
const pluginPath = (run: PlannedRun) => run.file ?? (isServiceUrl(run.source) ? run.source : resolve(ROOT, run.source))

/** The plan of a run: seed-major, then plugins in the order given (the order rows were always written in). */
export function buildPlan(input: PlanInput): Plan {
  const catalog = input.catalogDir ? treeHash(resolve(input.catalogDir), ['.']) : 'generated'
  const sources = new Map<string, string>()
  /** The plugin's fingerprint, with the files its parameters name (a model's path) for this run. */
  const sourceHash = (run: PlannedRun, file: string) => {
    const key = `${file}\0${run.files.join('\0')}`
    if (!sources.has(key)) sources.set(key, pluginFingerprint(file, run.files))
    return sources.get(key)!
  }
  const { sameRules } = input
  const rulesFrom = sameRules && {
    name: sameRules.name,
    pluginFile: pluginPath(sameRules),
    params: sameRules.params,
  }
  // The rules' plugin decides the rows as much as the ranker does: its name, params and files are in every hash.
  const rules = rulesFrom && {
    name: rulesFrom.name,
    params: rulesFrom.params,
    plugin: sourceHash(sameRules, rulesFrom.pluginFile),
  }
  // What a sealed plugin may read: looked up on disk once per run, not once per cell.
  const sealedReads = new Map(input.plugins.map((run) => [run, run.files.filter((f) => existsSync(f))]))
  const specs: CellSpec[] = []
  for (const seed of input.seeds) {
    for (const run of input.plugins) {
      const pluginFile = pluginPath(run)
      const algorithm = run.name
      const id = `${input.scenario.name}/${algorithm}${run.variant ? `[${run.variant}]` : ''}/seed${seed}`
      const hash = sha256(
        stringify({
          kit: kitFingerprint(),
          scenario: input.scenario,
          seed,
          algorithm,
          variant: run.variant,
          params: run.params,
          plugin: sourceHash(run, pluginFile),
          catalog,
          writeLog: !!input.writeLog,
          sellerRounds: !!input.sellerRounds,
          rules: rules ?? null,
        }) ?? '',
      )
      specs.push({
        cell: { index: specs.length, id, scenario: input.scenario.name, algorithm, variant: run.variant, seed, hash },
        scenario: input.scenario,
        pluginFile,
        params: run.params,
        catalogDir: input.catalogDir && resolve(input.catalogDir),
        benchTimeMs: input.benchTimeMs,
        repeat: input.repeat ?? 1,
        sellerRounds: !!input.sellerRounds,
        ...(rulesFrom && { rulesFrom }),
        ...(input.sealed && { sealed: { reads: sealedReads.get(run)!, truth: run.truth } }),
      })
    }
  }
  const asked = specs.map((s) => ({ id: s.cell.id, params: s.params, file: s.pluginFile }))
  // Other rules are another configuration (a rerun does not resume into it); seller_rounds.csv is not: cells rerun.
  const identity = sha256(
    stringify({
      scenario: input.scenario,
      asked,
      catalog: input.catalogDir ?? null,
      ...(rulesFrom && { rules: { name: rulesFrom.name, file: rulesFrom.pluginFile } }),
    }) ?? '',
  )
  return { hash: planHash(specs), identity, specs }
}
