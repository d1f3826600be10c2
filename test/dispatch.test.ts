import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { longestFirst, readCellTimes, recordCellTimes } from '../bench/runner/cells/dispatch.ts'
import type { CellSpec } from '../bench/runner/plan/plan.ts'

/** A cell as the dispatcher sees it: its plan index, plugin, hash and number of sessions. */
function spec(index: number, algorithm: string, sessions = 1000): CellSpec {
  return {
    cell: { index, id: `s/${algorithm}/seed1`, scenario: 's', algorithm, variant: '', seed: 1, hash: `h${index}` },
    scenario: { market: { rounds: 10, sessionsPerRound: sessions / 10 } },
  } as unknown as CellSpec
}
const order = (specs: CellSpec[]) => specs.map((s) => s.cell.index)
const cache = () => join(mkdtempSync(join(tmpdir(), 'trafficbench-dispatch-')), 'cache', 'cell-seconds.json')

describe('cells are dispatched longest first, from earlier runs', () => {
  const specs = [spec(0, 'relevance'), spec(1, 'temu'), spec(2, 'tiktok'), spec(3, 'random')]

  it('keeps plan order when nothing is known (a first run, or an unreadable cache)', () => {
    expect(order(longestFirst(specs, readCellTimes(cache())))).toEqual([0, 1, 2, 3])
  })

  it('puts the longest recorded cells first; equal estimates keep plan order', () => {
    const file = cache()
    recordCellTimes(
      [
        { spec: specs[0], seconds: 5 },
        { spec: specs[1], seconds: 14 },
        { spec: specs[2], seconds: 10 },
        { spec: specs[3], seconds: 5 },
      ],
      file,
    )
    expect(order(longestFirst(specs, readCellTimes(file)))).toEqual([1, 2, 0, 3])
  })

  it('estimates a cell never run from its plugin seconds per session (here: same plugin, 4× the sessions)', () => {
    const file = cache()
    recordCellTimes(
      [
        { spec: specs[1], seconds: 14 },
        { spec: specs[2], seconds: 10 },
      ],
      file,
    )
    const bigger = spec(9, 'tiktok', 4000) // 10 s / 1,000 sessions → 40 s
    expect(order(longestFirst([specs[1], bigger, specs[0]], readCellTimes(file)))).toEqual([9, 1, 0])
  })

  it('forgets nothing it was told last and writes valid JSON atomically', () => {
    const file = cache()
    recordCellTimes([{ spec: specs[0], seconds: 5 }], file)
    recordCellTimes([{ spec: specs[0], seconds: 7 }], file)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ byHash: { h0: 7 }, byAlgorithm: { relevance: 0.007 } })
  })

  it('takes only finite times from a damaged cache', () => {
    const file = cache()
    recordCellTimes([{ spec: specs[0], seconds: 5 }], file)
    writeFileSync(file, JSON.stringify({ byHash: { h0: 'x', h1: 3, h2: -1 }, byAlgorithm: [1] }))
    expect(readCellTimes(file)).toEqual({ byHash: { h1: 3 }, byAlgorithm: {} })
    writeFileSync(file, '{not json')
    expect(readCellTimes(file)).toEqual({ byHash: {}, byAlgorithm: {} })
  })

  it('is a hint only: a cache that cannot be written is ignored without an error', () => {
    const file = cache()
    recordCellTimes([{ spec: specs[0], seconds: 5 }], file)
    expect(() => recordCellTimes([{ spec: specs[0], seconds: 5 }], join(file, 'below-a-file.json'))).not.toThrow()
  })
})
