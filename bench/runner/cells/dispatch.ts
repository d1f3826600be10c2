import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { threadId } from 'node:worker_threads'
import { kitPath } from '../../../core/paths.ts'
import type { CellSpec } from '../plan/plan.ts'

/**
 * The order in which cells are handed to the workers: longest first (LPT scheduling), so the run
 * does not end on one long cell while the other workers idle. How long a cell takes is known only
 * from earlier runs on this machine, kept in a small cache beside the installed packages
 * (node_modules/.cache, the usual place for such hints). It is a hint and nothing else: the result
 * files are assembled in plan order, so the dispatch order never changes a byte of them; a cell
 * never seen before is estimated from its plugin's seconds per session, and with nothing known
 * the plan order stands. The split into shards never depends on it (every shard computes the same split).
 */
const CACHE = kitPath('node_modules/.cache/trafficbench/cell-seconds.json')
/** Cells remembered; the oldest are forgotten first. */
const KEEP = 5000

interface CellTimes {
  /** Seconds a cell took, by the cell's configuration hash. */
  byHash: Record<string, number>
  /** Seconds per simulated session, by plugin name (the latest cell of that plugin). */
  byAlgorithm: Record<string, number>
}

const sessionsOf = ({ scenario: { market } }: CellSpec) => market.rounds * market.sessionsPerRound

export function readCellTimes(file = CACHE): CellTimes {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CellTimes>
    // Whatever is in the file, only finite non-negative numbers are taken as times.
    const times = (record: unknown) =>
      Object.fromEntries(
        Object.entries(record && typeof record === 'object' && !Array.isArray(record) ? record : {}).filter(
          ([, v]) => typeof v === 'number' && v >= 0 && Number.isFinite(v),
        ),
      )
    return { byHash: times(data.byHash), byAlgorithm: times(data.byAlgorithm) }
  } catch {
    return { byHash: {}, byAlgorithm: {} }
  }
}

/** The cells longest first by their estimated seconds; ties (and cells with no estimate at all) keep plan order. */
export function longestFirst(specs: readonly CellSpec[], times: CellTimes): CellSpec[] {
  const estimate = (spec: CellSpec) =>
    times.byHash[spec.cell.hash] ?? (times.byAlgorithm[spec.cell.algorithm] ?? 0) * sessionsOf(spec)
  const seconds = new Map(specs.map((spec) => [spec, estimate(spec)]))
  return [...specs].sort((a, b) => seconds.get(b)! - seconds.get(a)! || a.cell.index - b.cell.index)
}

/** Remembers how long these cells took. Best effort: a cache that cannot be written only loses the hint. */
export function recordCellTimes(measured: readonly { spec: CellSpec; seconds: number }[], file = CACHE): void {
  if (!measured.length) return
  const times = readCellTimes(file)
  for (const { spec, seconds } of measured) {
    delete times.byHash[spec.cell.hash] // re-inserted last: the newest entries survive the trim
    times.byHash[spec.cell.hash] = seconds
    times.byAlgorithm[spec.cell.algorithm] = seconds / sessionsOf(spec)
  }
  const hashes = Object.keys(times.byHash)
  for (const hash of hashes.slice(0, Math.max(0, hashes.length - KEEP))) delete times.byHash[hash]
  try {
    mkdirSync(dirname(file), { recursive: true })
    const temp = `${file}.${process.pid}-${threadId}`
    writeFileSync(temp, JSON.stringify(times))
    renameSync(temp, file)
  } catch {
    // read-only install or full disk: the next run dispatches in plan order, with identical results
  }
}
