import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { csvText } from '../../../core/csv.ts'
import { InputError } from '../../../core/errors.ts'
import { impressionLogName } from '../../log/write.ts'
import { renderReport } from '../../report/html.ts'
import type { Cell } from '../plan/plan.ts'
import type { ResultContent } from './out-dir.ts'

/** The files assembled from cells' rows; each row names its cell by these columns. */
const CELL_FILES = ['summary.csv', 'rounds.csv', 'sellers.csv', 'throughput.csv'] as const
/** Written when the run asked for it (manifest.json `sellerRounds`); a cell may have no rows in it. */
const SELLER_ROUNDS = 'seller_rounds.csv'
const CELL_KEYS = ['algorithm', 'variant', 'scenario', 'seed'] as const

type PlannedCell = Cell & { status: string }
interface Manifest {
  command: string
  plan?: { hash: string; cells: PlannedCell[] }
  shard?: unknown
  [key: string]: unknown
}

const cellKey = (values: Record<(typeof CELL_KEYS)[number], string>) => CELL_KEYS.map((k) => values[k]).join('\0')
/** A cell's key as its rows spell it: text cells escaped as the kit writes them. */
const writtenKey = (cell: Cell) =>
  cellKey({
    algorithm: csvText(cell.algorithm),
    variant: csvText(cell.variant),
    scenario: csvText(cell.scenario),
    seed: String(cell.seed),
  })

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

/** A results file's header and its records' exact text, grouped by cell key. */
function rowsByCell(file: string): { header: string; rows: Map<string, string[]> } {
  if (!existsSync(file)) throw new InputError(`merge: ${file} is missing; its manifest says the run wrote it`)
  const text = readFileSync(file, 'utf8')
  const header = text.slice(0, text.indexOf('\r\n'))
  const rows = new Map<string, string[]>()
  const records = parse(text, { columns: true, raw: true, record_delimiter: '\r\n' }) as {
    record: Record<string, string>
    raw: string
  }[]
  for (const { record, raw } of records) {
    const key = cellKey(record as Record<(typeof CELL_KEYS)[number], string>)
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    rows.get(key)?.push(line) ?? rows.set(key, [line])
  }
  return { header, rows }
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

  const files: Record<string, string> = {}
  for (const name of [...CELL_FILES, ...(first.sellerRounds === true ? [SELLER_ROUNDS] : [])]) {
    const parts = dirs.map((dir) => (source.some((s) => dirs[s] === dir) ? rowsByCell(join(dir, name)) : null))
    const header = parts.find((p) => p)!.header
    const lines = [header]
    plan.forEach((cell, i) => {
      const part = parts[source[i]]!
      if (part.header !== header) {
        const first = join(dirs[source.find((s) => parts[s])!], name)
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
    plan: { hash: first.plan!.hash, cells: plan.map((cell) => ({ ...cell, status: 'done' })) },
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
