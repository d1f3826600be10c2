import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../../../core/errors.ts'
import type { CellRows } from '../cells/cell.ts'
import type { CellSpec, Plan } from '../plan/plan.ts'
import { writeFileAtomic } from './results.ts'

/** What the store's plan.json records: which run its cells belong to. */
interface StoredPlan {
  plan: string
  /** The run's configuration without the content of its files: the same command gives the same identity. */
  identity?: string
  command: string
  cells: number
  startedAt: string
}

/** A finished cell as saved: its hash is checked again on reading. */
interface StoredCell {
  hash: string
  id: string
  rows: CellRows
  /** sha256 of the rows as saved: a cell edited on disk is run again, never reused. */
  digest: string
}

const digestOf = (rows: CellRows) => createHash('sha256').update(JSON.stringify(rows)).digest('hex')

/**
 * Finished cells of a run, one file each, saved atomically as each cell ends, in a folder beside
 * the results folder (DIR.cells). A rerun of the same command after a crash or kill -9 finds them
 * and runs only the rest; the folder is removed once the results folder is complete.
 */
export class CellStore {
  private constructor(readonly dir: string) {}

  /**
   * Opens (or starts) the store of `resultsDir` for `plan`. One holding another plan's cells is
   * refused (InputError) unless `restart`, which clears it.
   */
  static open(resultsDir: string, plan: Plan, command: string, restart: boolean): CellStore {
    const store = new CellStore(`${resultsDir}.cells`)
    const recorded = store.recordedPlan()
    // The same configuration whose files (a plugin's weights, the kit) changed resumes: cells whose hash
    // changed run again, the others are reused. Another configuration's store with nothing finished holds
    // nothing to lose and is started over; with finished cells it is refused.
    const sameRun = recorded !== null && (recorded.plan === plan.hash || recorded.identity === plan.identity)
    if (recorded && !sameRun && !restart && store.cellFiles().length > 0) {
      const done = store.cellFiles().length
      throw new InputError(
        `--out ${resultsDir}: an unfinished run of a different configuration is there (${done} of ` +
          `${recorded.cells} cells done, from \`${recorded.command}\`, ${recorded.startedAt}); rerun that command ` +
          `to finish it, or add --restart to discard its cells and start over`,
      )
    }
    if (restart || (recorded && !sameRun) || (!recorded && existsSync(store.dir)))
      rmSync(store.dir, { recursive: true, force: true })
    mkdirSync(store.dir, { recursive: true })
    if (sameRun && recorded.plan !== plan.hash) store.dropStale(plan)
    if (!recorded || recorded.plan !== plan.hash || restart) {
      const record: StoredPlan = {
        plan: plan.hash,
        identity: plan.identity,
        command,
        cells: plan.specs.length,
        startedAt: new Date().toISOString(),
      }
      writeFileAtomic(join(store.dir, 'plan.json'), `${JSON.stringify(record, null, 2)}\n`)
    }
    return store
  }

  /**
   * The cells of `specs` already finished, by plan index; a damaged or foreign file is ignored (the cell runs again).
   */
  finished(specs: readonly CellSpec[]): Map<number, CellRows> {
    const found = new Map<number, CellRows>()
    for (const spec of specs) {
      const file = this.cellFile(spec)
      if (!existsSync(file)) continue
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredCell
        const intact = stored.digest === digestOf(stored.rows)
        // The hash covers --seller-rounds; the check keeps a cell without its records from ever being reused for it.
        const complete =
          (!spec.logPath || existsSync(spec.logPath)) &&
          (!spec.sellerRounds || typeof stored.rows.sellerRounds === 'string')
        if (intact && stored.hash === spec.cell.hash && complete) found.set(spec.cell.index, stored.rows)
      } catch {
        // A file cut short cannot happen (atomic writes), but one edited by hand is simply run again.
      }
    }
    return found
  }

  save(spec: CellSpec, rows: CellRows): void {
    const stored: StoredCell = { hash: spec.cell.hash, id: spec.cell.id, rows, digest: digestOf(rows) }
    writeFileAtomic(this.cellFile(spec), JSON.stringify(stored))
  }

  /** Where a cell's impression log is written while the run goes. */
  logPath(spec: CellSpec): string {
    return join(this.dir, `${spec.cell.hash}.impressions.csv.gz`)
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  /** Cells of an earlier plan of the same run that no cell of this plan is (their files changed). */
  private dropStale(plan: Plan): void {
    const current = new Set(plan.specs.map((s) => s.cell.hash))
    for (const file of this.cellFiles())
      if (!current.has(file.slice(0, 64))) rmSync(join(this.dir, file), { force: true })
  }

  private cellFile(spec: CellSpec): string {
    return join(this.dir, `${spec.cell.hash}.json`)
  }

  private cellFiles(): string[] {
    return readdirSync(this.dir).filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
  }

  private recordedPlan(): StoredPlan | null {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'plan.json'), 'utf8')) as StoredPlan
    } catch {
      return null
    }
  }
}
