import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ComparisonRow, compareInputs, verdictOf } from '../bench/report/compare.ts'
import { evaluateGates, parseGates } from '../bench/report/gates.ts'
import { firstDifference, type Manifest, readInput } from '../bench/report/inputs.ts'
import { input, MANIFEST, type Seeds } from './helpers/compare-input.ts'

/** gini on seeds 1–3 and the same plus `shift` (a number or one per seed). */
const gini = (values: number[], shift: number | number[] = 0): Seeds =>
  Object.fromEntries(
    values.map((v, i) => [i + 1, { gini_exposure: v + (typeof shift === 'number' ? shift : shift[i]) }]),
  )
const BASE = [0.8, 0.85, 0.9]
const only = (rows: ComparisonRow[], metric = 'gini_exposure') => rows.filter((r) => r.metric === metric)

describe('compare: pairing, verdicts and what to do next', () => {
  it('pairs the same seeds of one configuration: a constant +0.05 is certain with 3 seeds', () => {
    const c = compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: gini(BASE) }]),
      input('B', [{ algorithm: 'amazon', seeds: gini(BASE, 0.05) }]),
    ])
    const [row] = c.rows
    expect(row.test!.test).toBe('paired t')
    expect(row.test!.diff).toBeCloseTo(0.05, 12)
    expect(row.ci![0]).toBeCloseTo(0.05, 9)
    expect(row.verdict).toBe('worse')
    expect(row.config).toBe('same')
    expect(row.detectable).toBeUndefined() // a row that could tell needs no advice
  })

  it('falls back to Welch for an input computed from a log, and says so', () => {
    const log = input('L', [{ algorithm: 'amazon', seeds: gini(BASE, 0.05) }], { kind: 'log', seeds: [1, 2, 3] })
    const c = compareInputs([input('A', [{ algorithm: 'amazon', seeds: gini(BASE) }]), log])
    expect(c.rows[0].test!.test).toBe('Welch t')
    expect(c.rows[0].config).toBe('log')
    // Spread 0.05 on each side hides a 0.05 shift from an unpaired test at 3 seeds.
    expect(c.rows[0].verdict).toBe('no significant change')
    expect(c.rows[0].seedsNeeded).toBeGreaterThan(3)
    expect(c.notes.join('\n')).toMatch(/L was computed from a log .* unpaired \(Welch\)/)
  })

  it('an empty cell is a missing value: paired on the seeds both sides have; a metric with no values says so', () => {
    const a = input('A', [
      {
        algorithm: 'amazon',
        seeds: { 1: { gmv: 10, ndcg: 0.5 }, 2: { gmv: 12, ndcg: 0.6 }, 3: { gmv: 11, ndcg: 0.7 } },
      },
    ])
    const b = input('B', [{ algorithm: 'amazon', seeds: { 1: { gmv: 11 }, 2: { gmv: 13 }, 3: {} } }], null)
    const c = compareInputs([a, b])
    const gmv = only(c.rows, 'gmv')[0]
    expect(gmv.test!.test).toBe('paired t')
    expect(gmv.candidate.estimate!.n).toBe(2)
    expect(gmv.unpairedSeeds).toBe(1)
    expect(gmv.test!.diff).toBe(1)
    expect(gmv.config).toBe('unchecked')
    const ndcg = only(c.rows, 'ndcg')[0]
    expect(ndcg.verdict).toBe('no values')
    expect(ndcg.test).toBeNull()
    expect(c.notes).toContain('no values to compare for ndcg')
  })

  it('verdicts use Holm-adjusted p-values', () => {
    // Two rows with raw p between 0.025 and 0.05: each alone would be significant, together Holm keeps neither.
    const noisy = (shift: number[]) => [{ algorithm: 'amazon', seeds: gini(BASE, shift) }]
    const c = compareInputs([input('A', noisy([0, 0, 0])), input('B', noisy([0.01, 0.03, 0.02]))])
    const [row] = c.rows
    // d = 0.01, 0.03, 0.02: t = 0.02 / (0.01/√3) = 3.464102 on 2 df,
    // where P(|T| ≥ t) = 1 − t/√(t² + 2) = 0.074180.
    expect(row.test!.p).toBeCloseTo(0.07418, 5)
    // d = 1, 2, 1, 3 on both metrics: t = 1.75 / (0.957427/2) = 3.655631 on 3 df, p = 0.0354; Holm doubles it.
    const two = compareInputs([
      input('A', [
        { algorithm: 'amazon', seeds: { 1: { x: 0, y: 0 }, 2: { x: 0, y: 0 }, 3: { x: 0, y: 0 }, 4: { x: 0, y: 0 } } },
      ]),
      input('B', [
        { algorithm: 'amazon', seeds: { 1: { x: 1, y: 1 }, 2: { x: 2, y: 2 }, 3: { x: 1, y: 1 }, 4: { x: 3, y: 3 } } },
      ]),
    ])
    for (const r of two.rows) {
      expect(r.test!.p).toBeLessThan(0.05)
      expect(r.test!.p).toBeGreaterThan(0.025)
      expect(r.pAdjusted).toBeCloseTo(Math.min(1, 2 * r.test!.p), 12)
      expect(r.verdict).toBe('no significant change')
      expect(r.seedsNeeded).toBeGreaterThan(4)
      expect(r.detectable).toBeGreaterThan(r.test!.diff)
    }
    expect(verdictOf(0.1, 0.01, 'lower')).toBe('worse')
    expect(verdictOf(-0.1, 0.01, 'lower')).toBe('better')
    expect(verdictOf(0.1, 0.01, 'neither')).toBe('changed')
    expect(verdictOf(0.1, 0.2, 'higher')).toBe('no significant change')
  })

  it('one seed is too few for any test', () => {
    const c = compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: { 1: { g: 1 } } }]),
      input('B', [{ algorithm: 'amazon', seeds: { 1: { g: 2 } } }]),
    ])
    expect(c.rows[0].verdict).toBe('too few seeds')
  })
})

describe('compare: which rows meet', () => {
  const params = (adSlots: number) => ({ adSlots, priceParity: true })

  it(
    'a sweep variant meets a --param run with the same resolved parameters; ' +
      'a lone configuration meets its A/B change',
    () => {
      const sweep = input('S', [
        { algorithm: 'amazon', variant: 'adSlots=0', params: params(0), seeds: gini(BASE) },
        { algorithm: 'amazon', variant: 'adSlots=2', params: params(2), seeds: gini(BASE, 0.01) },
        { algorithm: 'relevance', params: {}, seeds: gini(BASE) },
      ])
      const param = input('P', [
        { algorithm: 'amazon', params: params(2), seeds: gini(BASE, 0.01) },
        { algorithm: 'relevance', params: { k: 1 }, seeds: gini(BASE, 0.02) },
      ])
      const c = compareInputs([sweep, param])
      const pairs = c.rows.map((r) => [r.baseline.variant, r.candidate.variant, r.candidate.algorithm])
      expect(pairs).toEqual([
        ['adSlots=2', '', 'amazon'],
        ['', '', 'relevance'],
      ])
      expect(c.rows[0].test!.diff).toBe(0)
      expect(c.notes).toContain('P has no counterpart for amazon (adSlots=0) / small of S')
    },
  )

  it('--baseline compares every other row of every input with the named row, per scenario', () => {
    const one = input('A', [
      { algorithm: 'relevance', seeds: gini(BASE) },
      { algorithm: 'amazon', seeds: gini(BASE, 0.05) },
      { algorithm: 'amazon', variant: 'adSlots=0', seeds: gini(BASE, 0.07) },
      { algorithm: 'amazon', scenario: 'other', seeds: gini(BASE) },
    ])
    const c = compareInputs([one], { baseline: 'relevance' })
    expect(c.rows.map((r) => `${r.candidate.algorithm}:${r.candidate.variant} vs ${r.baseline.algorithm}`)).toEqual([
      'amazon: vs relevance',
      'amazon:adSlots=0 vs relevance',
    ])
    expect(c.rows.every((r) => r.test!.test === 'paired t' && r.verdict === 'worse')).toBe(true)
    expect(c.notes).toContain('scenario other has no relevance row to compare with')
    expect(compareInputs([one], { baseline: 'amazon:adSlots=0' }).rows).toHaveLength(2)
    expect(() => compareInputs([one], { baseline: 'tiktok' })).toThrowError(
      /--baseline tiktok: no rows of tiktok in the inputs \(algorithms: relevance, amazon\)/,
    )
    expect(() => compareInputs([one], { baseline: 'amazon:adSlots=9' })).toThrowError(
      /no variant "adSlots=9" of amazon \(the inputs have amazon, amazon:adSlots=0\)/,
    )
    const swept = input('S', [
      { algorithm: 'amazon', variant: 'adSlots=0', seeds: gini(BASE) },
      { algorithm: 'amazon', variant: 'adSlots=2', seeds: gini(BASE) },
    ])
    expect(() => compareInputs([swept], { baseline: 'amazon' })).toThrowError(/amazon has several variants; name one/)
  })
})

describe('compare: comparable or refused', () => {
  const differing = (change: (m: Manifest) => Manifest) =>
    input('B', [{ algorithm: 'amazon', seeds: gini(BASE, 0.05) }], change(structuredClone(MANIFEST)))
  const base = input('A', [{ algorithm: 'amazon', seeds: gini(BASE) }])

  it('names the first difference: scenario, catalog, kit version, seeds', () => {
    const rounds = (m: Manifest) => ({ ...m, scenario: { ...m.scenario!, market: { rounds: 40 } } })
    expect(() => compareInputs([base, differing(rounds)])).toThrowError(
      'A and B are not comparable: scenario.market.rounds is 12 in A but 40 in B (pass --allow-mismatch to ' +
        'compare them anyway)',
    )
    expect(firstDifference(MANIFEST, { ...MANIFEST, catalog: { imported: 'x' } })).toEqual({
      what: 'catalog',
      a: 'generated',
      b: '{"imported":"x"}',
    })
    expect(firstDifference(MANIFEST, { ...MANIFEST, versions: { trafficbench: '0.2.0', node: 'v22' } })?.what).toBe(
      'versions.trafficbench',
    )
    expect(firstDifference(MANIFEST, { ...MANIFEST, seeds: [1, 2, 3, 4] })).toEqual({
      what: 'seeds',
      a: '1,2,3',
      b: '1,2,3,4',
    })
    // What does not matter: the scenario's ref and description, timing, the command, fields added later, node's
    // version, seed order.
    const same = {
      ...MANIFEST,
      seeds: [3, 2, 1],
      command: 'x',
      timing: {},
      kind: 'run',
      cells: [],
      versions: { trafficbench: '0.1.0', node: 'v99' },
      scenario: { ...MANIFEST.scenario!, ref: 'p.json', description: 'other words' },
    }
    expect(firstDifference(MANIFEST, same)).toBeNull()
  })

  it(
    'with --allow-mismatch every row is marked; ' +
      'a different scenario is compared unpaired, a different seed set paired on the shared seeds',
    () => {
      const rounds = compareInputs(
        [base, differing((m) => ({ ...m, scenario: { ...m.scenario!, market: { rounds: 40 } } }))],
        { allowMismatch: true },
      )
      expect(rounds.rows[0].config).toBe('differs')
      expect(rounds.rows[0].test!.test).toBe('Welch t')
      expect(rounds.notes[0]).toMatch(/^MISMATCH \(--allow-mismatch\): scenario\.market\.rounds is 12 in A but 40 in B/)
      const seeds = compareInputs([base, differing((m) => ({ ...m, seeds: [1, 2, 3, 4] }))], { allowMismatch: true })
      expect(seeds.rows[0].config).toBe('differs')
      expect(seeds.rows[0].test!.test).toBe('paired t')
    },
  )
})

describe('gates', () => {
  const compare = (shift: number | number[], seeds = BASE) =>
    compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: gini(seeds) }]),
      input('B', [{ algorithm: 'amazon', seeds: gini(seeds, shift) }]),
    ])

  it('fail when the whole interval is past the limit, pass when within, inconclusive when it straddles', () => {
    expect(evaluateGates(compare(0.05), parseGates('gini_exposure:+0.02'))[0].status).toBe('fail')
    expect(evaluateGates(compare(0.05), parseGates('gini_exposure:+0.1'))[0].status).toBe('pass')
    // it rose; only a fall is gated
    expect(evaluateGates(compare(0.05), parseGates('gini_exposure:-0.01'))[0].status).toBe('pass')
    expect(evaluateGates(compare(0), parseGates('gini_exposure:+0'))[0].status).toBe('pass')
    // d = 0.05, −0.03, 0.04: mean 0.02, the interval spans far both sides of the limit.
    const noisy = evaluateGates(compare([0.05, -0.03, 0.04]), parseGates('gini_exposure:+0.02'))[0]
    expect(noisy.status).toBe('inconclusive')
    expect(noisy.reason).toMatch(
      /^B:amazon vs A:amazon \/ small: Δ \+0\.02 \[-0\.\d+, \+0\.\d+\] includes \+0\.02; more seeds would narrow it$/,
    )
    // Relative: +0.05 on a mean of 0.85 is +5.9%.
    expect(evaluateGates(compare(0.05), parseGates('gini_exposure:+5%'))[0].status).toBe('fail')
    expect(evaluateGates(compare(0.05), parseGates('gini_exposure:+7%'))[0].status).toBe('pass')
  })

  it('a gate that matched nothing fails; too few seeds is inconclusive; an unknown metric is bad input', () => {
    const nothing = compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: gini(BASE) }]),
      input('B', [{ algorithm: 'relevance', seeds: gini(BASE) }]),
    ])
    expect(nothing.rows).toHaveLength(0)
    const [gate] = evaluateGates({ ...nothing, metrics: ['gini_exposure'] }, parseGates('gini_exposure:+0.02'))
    expect(gate.status).toBe('fail')
    expect(gate.reason).toMatch(/matched no rows/)
    const single = compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: { 1: { gini_exposure: 0.5 } } }]),
      input('B', [{ algorithm: 'amazon', seeds: { 1: { gini_exposure: 0.9 } } }]),
    ])
    expect(evaluateGates(single, parseGates('gini_exposure:+0.02'))[0]).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/too few seeds/),
    })
    expect(() => evaluateGates(single, parseGates('gini:+1'))).toThrowError(
      /--fail-on gini:\+1: no metric gini among those compared \(gini_exposure\)/,
    )
  })

  it('the intervals of several gated rows hold together: with k rows each is at 1 − 0.05/k', () => {
    const c = compare([0.05, 0.03, 0.04])
    const row = c.rows[0]
    const one = evaluateGates(c, parseGates('gini_exposure:+0.02'))[0].checks[0]
    expect(one.interval![0]).toBeCloseTo(row.ci![0], 12)
    // d = 0.05, 0.03, 0.04: mean 0.04, se = 0.01/√3; at 97.5% two-sided, t(0.9875, 2) = 6.205347.
    const doubled = evaluateGates({ ...c, rows: [row, row] }, parseGates('gini_exposure:+0.02'))[0].checks[0]
    expect(doubled.interval![0]).toBeCloseTo(0.04 - (6.205347 * 0.01) / Math.sqrt(3), 6)
  })

  it('parses gates and refuses malformed ones', () => {
    expect(parseGates('gini_exposure:+0.02,sessions_per_sec:-10%')).toEqual([
      { metric: 'gini_exposure', direction: 1, limit: 0.02, relative: false, spec: 'gini_exposure:+0.02' },
      { metric: 'sessions_per_sec', direction: -1, limit: 0.1, relative: true, spec: 'sessions_per_sec:-10%' },
    ])
    expect(() => parseGates('gini_exposure:0.02')).toThrowError(/expected \[candidate:\]metric:\+limit/)
  })
})

describe('reading inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trafficbench-inputs-'))

  it('reads empty cells as missing, and the manifest beside a CSV file', () => {
    writeFileSync(
      join(dir, 'summary.csv'),
      'algorithm,variant,scenario,seed,gmv,ndcg_at_10\r\namazon,,small,1,10,\r\namazon,,small,2,,0.5\r\n',
    )
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        ...MANIFEST,
        algorithms: [{ name: 'amazon', variant: '', params: { adSlots: 4 } }],
        timing: {},
      }),
    )
    const r = readInput(join(dir, 'summary.csv'))
    expect(r.kind).toBe('simulation')
    expect(r.groups[0].params).toEqual({ adSlots: 4 })
    expect([...r.groups[0].samples.entries()]).toEqual([
      [1, { gmv: 10 }],
      [2, { ndcg_at_10: 0.5 }],
    ])
  })

  it('refuses a manifest that is not JSON or not a manifest, naming the file', () => {
    writeFileSync(join(dir, 'manifest.json'), '{ nope')
    expect(() => readInput(dir)).toThrowError(/manifest\.json is not valid JSON/)
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ seeds: 'all' }))
    expect(() => readInput(dir)).toThrowError(/manifest\.json is not a results manifest: seeds: /)
  })
})
