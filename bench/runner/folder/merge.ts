import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../../../core/errors.ts'
import { impressionLogName } from '../../log/write.ts'
import { renderReport } from '../../report/html.ts'
import type { Cell } from '../plan/plan.ts'
import { cellDigest, DIGESTED_FILES, recordsByCell, writtenKey } from './cell-digest.ts'
import type { ResultContent } from './out-dir.ts'

/** The files assembled from cells' rows; each row names its cell by these columns. */
const CELL_FILES = ['summary.csv', 'rounds.csv', 'sellers.csv', 'throughput.csv'] as const
/** Written when the run asked for it (manifest.json `sellerRounds`); a cell may have no rows in it. */
const SELLER_ROUNDS = 'seller_rounds.csv'
type PlannedCell = Cell & { status: string; digest?: string }
interface Manifest {
  command: string
  plan?: { hash: string; cells: PlannedCell[] }
  shard?: unknown
  [key: string]: unknown
}

function readManifest(dir: string): Manifest {
  const file = join(dir, 'manifest.json')
  if (!existsSync(file))
    throw new InputError(`merge: ${dir} has no manifest.json; give results folders written by bench run`)
  let manifest: Manifest
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new InputError(`merge: ${file} is not valid JSON (${(err as Error).message})`)
  }
  if (!manifest.plan || !Array.isArray(manifest.plan.cells))
    throw new InputError(
      `merge: ${file} lists no plan of cells; it was written by an older kit or by bench facts, which cannot be merged`,
    )
  return manifest
}

function rowsByCell(file: string): { header: string; rows: Map<string, string[]> } {
  if (!existsSync(file)) throw new InputError(`merge: ${file} is missing; its manifest says the run wrote it`)
  return recordsByCell(readFileSync(file, 'utf8'))
}

/**
 * One results folder from the folders of a plan's shards (or of any runs of one plan): every
 * cell's rows taken from the folder that finished it, in plan order, so the files are the bytes an
 * unsharded run writes (throughput and timing aside). Refused: folders of different plans, and a
 * plan with cells no folder finished (they are listed).
 */
export function mergeFolders(dirs: readonly string[], command: string, started: Date): Record<string, ResultContent> {
  if (dirs.length === 0) throw new InputError('merge: give the results folders to merge')
  const manifests = dirs.map(readManifest)
  const [first] = manifests
  manifests.forEach((m, i) => {
    if (m.plan!.hash !== first.plan!.hash)
      throw new InputError(
        `merge: ${dirs[i]} holds cells of another run than ${dirs[0]} (\`${m.command}\` vs \`${first.command}\`: ` +
          `options, catalog, kit code or a plugin's files differ)`,
      )
  })
  const plan = first.plan!.cells
  const source = plan.map((cell) => manifests.findIndex((m) => m.plan!.cells[cell.index]?.status === 'done'))
  const missing = plan.filter((_, i) => source[i] < 0)
  if (missing.length)
    throw new InputError(
      `merge: ${missing.length} of ${plan.length} cells are in none of the folders: ${missing
        .slice(0, 8)
        .map((c) => c.id)
        .join(', ')}${missing.length > 8 ? ', …' : ''}; run their shards (or rerun the failed ones) first`,
    )

  const names = [...CELL_FILES, ...(first.sellerRounds === true ? [SELLER_ROUNDS] : [])]
  // Every folder that finished a cell, read once: its rows are checked against its manifest's digests.
  const holds = dirs.map((_, d) => plan.some((cell) => manifests[d].plan!.cells[cell.index]?.status === 'done'))
  const parts = Object.fromEntries(
    names.map((name) => [name, dirs.map((dir, d) => (holds[d] ? rowsByCell(join(dir, name)) : null))]),
  )
  const digests = plan.map((cell, i) => checkedCopies(cell, i, dirs, manifests, parts))
  const files: Record<string, string> = {}
  for (const name of names) {
    const header = parts[name].find((p) => p)!.header
    const lines = [header]
    plan.forEach((cell, i) => {
      const part = parts[name][source[i]]!
      if (part.header !== header) {
        const first = join(dirs[source.find((s) => parts[name][s])!], name)
        throw new InputError(`merge: ${join(dirs[source[i]], name)} has other columns than ${first}`)
      }
      const rows = part.rows.get(writtenKey(cell)) ?? (name === SELLER_ROUNDS ? [] : undefined)
      if (!rows)
        throw new InputError(
          `merge: ${join(dirs[source[i]], name)} has no rows of ${cell.id}, which its manifest says is done`,
        )
      lines.push(...rows)
    })
    files[name] = `${lines.join('\r\n')}\r\n`
  }
  const finished = new Date()
  const { shard: _shard, ...rest } = first
  const manifest = {
    ...rest,
    command,
    merged: dirs.map((dir, i) => ({ folder: dir, command: manifests[i].command })),
    plan: { hash: first.plan!.hash, cells: plan.map((cell, i) => ({ ...cell, status: 'done', digest: digests[i] })) },
    timing: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
    },
  }
  files['manifest.json'] = `${JSON.stringify(manifest, null, 2)}\n`
  const logs: Record<string, ResultContent> = {}
  plan.forEach((cell, i) => {
    const name = impressionLogName(cell.algorithm, cell.variant, cell.seed)
    if (existsSync(join(dirs[source[i]], name))) logs[name] = { copyFrom: join(dirs[source[i]], name) }
  })
  return { ...files, 'report.html': renderReport(files), ...logs }
}

type Parts = Record<string, ({ header: string; rows: Map<string, string[]> } | null)[]>

/**
 * The digest of a cell's rows, checked in every folder that finished it: against the digest that folder's manifest
 * recorded (rows edited after the run are refused, naming the folder), and between folders (two different copies of
 * one cell are refused: argument order must not decide which is merged).
 */
function checkedCopies(cell: PlannedCell, i: number, dirs: readonly string[], manifests: Manifest[], parts: Parts) {
  const key = writtenKey(cell)
  let agreed: { digest: string; dir: string } | null = null
  dirs.forEach((dir, d) => {
    const planned = manifests[d].plan!.cells[i]
    if (planned?.status !== 'done') return
    const digest = cellDigest(
      Object.fromEntries(DIGESTED_FILES.filter((n) => parts[n]?.[d]).map((n) => [n, parts[n][d]!])),
      key,
    )
    if (planned.digest !== undefined && planned.digest !== digest)
      throw new InputError(
        `merge: ${dir} holds rows of ${cell.id} that differ from the digest its manifest.json recorded (edited ` +
          'after the run?); rerun that shard',
      )
    if (agreed && agreed.digest !== digest)
      throw new InputError(
        `merge: ${agreed.dir} and ${dir} hold different rows for ${cell.id} of the same plan; merge one of them, ` +
          'or rerun the cell',
      )
    agreed ??= { digest, dir }
  })
  return agreed!.digest
}
