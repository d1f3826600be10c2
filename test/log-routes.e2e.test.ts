import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatNumber } from '../core/csv.ts'
import { bench, readCsvRows, tempDir } from './helpers/cli.ts'
import { NOT_FROM_THIS_LOG, playRoutes } from './helpers/log-routes.ts'

const work = tempDir('trafficbench-log-routes-')

describe('one definition, two routes: the simulator-style log reproduces the tallied metrics', () => {
  let log: string
  let sellersFile: string
  let expected: ReturnType<typeof playRoutes>['expected']
  beforeAll(() => {
    ;({ log, sellersFile, expected } = playRoutes(work))
  })

  it('the real CLI writes the same numbers as summary.csv cells', () => {
    const out = join(work, 'cli')
    const r = bench(['metrics', '--log', log, '--sellers', sellersFile, '--name', 'driver', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    const [row] = readCsvRows(join(out, 'summary.csv'))
    for (const [metric, value] of Object.entries(expected.summary))
      expect(row[metric], metric).toBe(formatNumber(value))
    for (const metric of NOT_FROM_THIS_LOG) expect(row[metric], metric).toBe('')
  })
})
