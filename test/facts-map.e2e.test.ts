import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bench, type Ran, readCsvRows, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-facts-map-')

describe('bench facts --vary on the small scenario (the real CLI)', () => {
  const out = join(work, 'map')
  let result: Ran
  beforeAll(() => {
    result = bench([
      'facts',
      '--scenario',
      'small',
      '--seeds',
      '2',
      '--bench-time',
      '0',
      '--vary',
      'market.adLossTolerance=0.25,1',
      '--vary',
      'catalog.entrantShare',
      '--out',
      out,
      '--quiet',
    ])
  })

  it('writes facts_map.csv: every point × fact, the base point equal to facts.csv', () => {
    expect(result.code, result.stderr).toBe(0)
    const facts = readCsvRows(join(out, 'facts.csv'))
    const map = readCsvRows(join(out, 'facts_map.csv'))
    const points = [...new Set(map.map((r) => r.scenario))]
    expect(points).toEqual([
      'small',
      'small.market.adLossTolerance_0.25',
      'small.market.adLossTolerance_1',
      'small.catalog.entrantShare_0.1',
      'small.catalog.entrantShare_0.3',
    ])
    expect(map).toHaveLength(points.length * facts.length)
    const base = map.filter((r) => r.scenario === 'small')
    for (const [i, f] of facts.entries())
      for (const column of ['id', 'holds', 'margin', 'margin_ci_low', 'margin_ci_high', 'seeds_holding', 'measured'])
        expect(base[i][column], `${f.id} ${column}`).toBe(f[column])
    expect(base[0].changed).toBe('')
    expect(base[0].settings).toBe('market.adLossTolerance=0.5;catalog.entrantShare=0.2')
    const moved = map.find((r) => r.scenario === 'small.catalog.entrantShare_0.3')!
    expect(moved.changed).toBe('catalog.entrantShare=0.3')
  })

  it('each point really ran with its setting: its summary rows are its own', () => {
    const summary = readCsvRows(join(out, 'summary.csv'))
    const newShare = (scenario: string) =>
      summary.filter((r) => r.scenario === scenario && r.algorithm === 'tiktok').map((r) => r.new_seller_exposure_share)
    // More entrants, more exposure for them: the point's rows differ from the base's.
    expect(newShare('small.catalog.entrantShare_0.3')).not.toEqual(newShare('small'))
    expect(Number(newShare('small.catalog.entrantShare_0.3')[0])).toBeGreaterThan(Number(newShare('small')[0]))
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.map.map((p: { changed: string }) => p.changed)).toEqual([
      '',
      'market.adLossTolerance=0.25',
      'market.adLossTolerance=1',
      'catalog.entrantShare=0.1',
      'catalog.entrantShare=0.3',
    ])
  })

  it('prints the map and its reading; the report draws the heatmap', () => {
    expect(result.stdout).toMatch(/Robustness map/)
    expect(result.stdout).toMatch(/^F1: not applicable at any point$/m)
    expect(result.stdout).toMatch(/^F4: (holds at every point|fails at .+)$/m)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('<h2>Robustness map</h2>')
    expect(html).toContain('catalog.entrantShare=0.3')
  })
})

describe('bench facts: conditions and settings', () => {
  it('--set lays a setting over the scenario: 30 rounds make F1 and F5 applicable on small', () => {
    const out = join(work, 'set')
    const r = bench(
      ['facts', '--scenario', 'small', '--set', 'market.rounds=30', '--bench-time', '0', '--out', out, '--quiet'],
      {},
    )
    expect(r.code, r.stderr).toBe(0)
    const facts = readCsvRows(join(out, 'facts.csv'))
    for (const id of ['F1', 'F5']) expect(facts.find((f) => f.id === id)!.holds, id).not.toBe('n/a')
    // M1's range follows the rounds, [0.8^(150/365), 0.8^(30/365)] = [0.9124, 0.9818], widened for ~160 incumbents.
    const [, low, high] = facts
      .find((f) => f.id === 'M1')!
      .measured.match(/in \[([\d.]+), ([\d.]+)\]$/)!
      .map(Number)
    expect(low).toBeLessThan(0.9124)
    expect(low).toBeGreaterThan(0.85)
    expect(high).toBeGreaterThan(0.9818)
    expect(high).toBeLessThanOrEqual(1)
  })

  it('a fact that cannot be judged says which condition is missing; a bad --vary is one line, nothing written', () => {
    const out = join(work, 'bad')
    const bad = bench(['facts', '--scenario', 'small', '--vary', 'market.nope=1,2', '--out', out, '--quiet'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/--vary market\.nope=1,2: not a scenario setting/)
    expect(existsSync(out)).toBe(false)
    const lonelyGrid = bench(['facts', '--scenario', 'small', '--grid', '--quiet'])
    expect(lonelyGrid.code).toBe(2)
    expect(lonelyGrid.stderr).toMatch(/--grid combines the values of --vary settings; add --vary/)
    const outOfRange = bench(['facts', '--scenario', 'small', '--vary', 'market.adLossTolerance=-1', '--quiet'])
    expect(outOfRange.code).toBe(2)
    expect(outOfRange.stderr).toMatch(/market\.adLossTolerance: Too small/)
  })
})
