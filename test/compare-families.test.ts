import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ComparisonRow, compareInputs } from '../bench/report/compare.ts'
import { formatComparison } from '../bench/report/compare-format.ts'
import { evaluateGates, parseGates } from '../bench/report/gates.ts'
import { holmLevels } from '../bench/report/stats.ts'
import { input, type Seeds } from './helpers/compare-input.ts'

/** Seeds 1–4 of metrics x and y, baseline 0 and the candidate the given per-seed values. */
const seeds = (x: number[], y: number[] = x): Seeds => Object.fromEntries(x.map((v, i) => [i + 1, { x: v, y: y[i] }]))
const ZERO = seeds([0, 0, 0, 0])
const find = (rows: ComparisonRow[], algorithm: string, metric = 'x') =>
  rows.find((r) => r.candidate.algorithm === algorithm && r.metric === metric)!

describe('declared families', () => {
  // d = 1, 2, 1, 3: p = 0.0354 on each of x and y; a second, noisier candidate adds tests.
  const mine = seeds([1, 2, 1, 3])
  const other = seeds([0.5, -0.5, 1, 0])

  it("a row's p_holm and verdict do not depend on the other folders or algorithms in the call", () => {
    const alone = compareInputs([
      input('A', [{ algorithm: 'amazon', seeds: ZERO }]),
      input('B', [{ algorithm: 'amazon', seeds: mine }]),
    ])
    const crowded = compareInputs([
      input('A', [
        { algorithm: 'amazon', seeds: ZERO },
        { algorithm: 'relevance', seeds: ZERO },
      ]),
      input('B', [
        { algorithm: 'amazon', seeds: mine },
        { algorithm: 'relevance', seeds: other },
      ]),
      input('C', [{ algorithm: 'amazon', seeds: other }]),
    ])
    const a = find(alone.rows, 'amazon')
    const b = crowded.rows.find(
      (r) => r.candidate.input === 1 && r.candidate.algorithm === 'amazon' && r.metric === 'x',
    )!
    expect(b.pAdjusted).toBe(a.pAdjusted)
    expect(b.verdict).toBe(a.verdict)
    expect(b.ciAdjusted).toEqual(a.ciAdjusted)
    // Holm over the pair's two metrics only: twice the raw p.
    expect(a.pAdjusted).toBeCloseTo(2 * a.test!.p, 12)
    // --family all is today's behaviour: over every test of the call (4 pairs × 2 metrics).
    const all = compareInputs(
      [
        input('A', [
          { algorithm: 'amazon', seeds: ZERO },
          { algorithm: 'relevance', seeds: ZERO },
        ]),
        input('B', [
          { algorithm: 'amazon', seeds: mine },
          { algorithm: 'relevance', seeds: other },
        ]),
      ],
      { family: 'all' },
    )
    expect(find(all.rows, 'amazon').pAdjusted).toBeGreaterThan(a.pAdjusted)
    expect(new Set(all.rows.map((r) => r.family))).toEqual(new Set(['all']))
    expect(formatComparison(alone, 'table', false)).toMatch(/within each \(baseline, candidate\) pair/)
  })

  it('holmLevels: the level of each step, then the stopping level for the rest', () => {
    // Sorted p: 0.001 (α/4), 0.01 (α/3), 0.03 ≥ α/2 stops: it and 0.04 are shown at α/2.
    expect(holmLevels([0.04, 0.001, 0.03, 0.01])).toEqual([0.025, 0.0125, 0.025, 0.05 / 3])
  })

  it('the adjusted interval excludes 0 exactly when the verdict is a change (property)', () => {
    const pairRows = fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }), {
      minLength: 1,
      maxLength: 6,
    })
    fc.assert(
      fc.property(pairRows, (diffs) => {
        const base: Seeds = { 1: {}, 2: {}, 3: {} }
        const cand: Seeds = { 1: {}, 2: {}, 3: {} }
        diffs.forEach((d, m) => {
          for (let s = 0; s < 3; s++) {
            base[s + 1][`m${m}`] = 0
            cand[s + 1][`m${m}`] = d[s] + 0.7 * m
          }
        })
        const c = compareInputs([
          input('A', [{ algorithm: 'a', seeds: base }]),
          input('B', [{ algorithm: 'a', seeds: cand }]),
        ])
        for (const r of c.rows.filter((x) => x.ciAdjusted)) {
          const [lo, hi] = r.ciAdjusted!
          const excludes = lo > 0 || hi < 0
          const changed = r.verdict !== 'no significant change'
          // Ties at the boundary are a rounding matter: skip p within 1e-9 of its level.
          if (Math.abs(r.pAdjusted - 0.05) < 1e-9) continue
          expect(excludes).toBe(changed)
        }
      }),
    )
  })
})

describe('scoped gates and policy directions', () => {
  const c = compareInputs(
    [
      input('A', [{ algorithm: 'amazon', seeds: ZERO }]),
      input('B', [
        { algorithm: 'mine', seeds: seeds([0.01, 0.01, 0.011, 0.01]) },
        { algorithm: 'amazon', seeds: seeds([5, 5, 5.1, 5]) },
      ]),
    ],
    { baseline: 'amazon' },
  )

  it('a gate scoped to one candidate ignores the other pairs', () => {
    const [unscoped] = evaluateGates(c, parseGates('x:+0.1'))
    expect(unscoped.status).toBe('fail')
    const [scoped] = evaluateGates(c, parseGates('mine:x:+0.1'))
    expect(scoped.status).toBe('pass')
    expect(scoped.checks.map((k) => k.row.candidate.algorithm)).toEqual(['mine'])
    const [viaFlag] = evaluateGates(c, parseGates('x:+0.1', 'mine'))
    expect(viaFlag.checks.map((k) => k.row.candidate.algorithm)).toEqual(['mine'])
    const [none] = evaluateGates(c, parseGates('theirs:x:+0.1'))
    expect(none.status).toBe('fail')
    expect(none.reason).toMatch(/no compared row has candidate theirs/)
  })

  it('--better sets a direction and says so', () => {
    const d = compareInputs(
      [input('A', [{ algorithm: 'a', seeds: ZERO }]), input('B', [{ algorithm: 'a', seeds: seeds([1, 1.1, 1, 1.2]) }])],
      { better: { x: 'higher', y: 'lower' } },
    )
    expect(find(d.rows, 'a', 'x').verdict).toBe('better')
    expect(find(d.rows, 'a', 'y').verdict).toBe('worse')
    expect(formatComparison(d, 'table', false)).toMatch(/better direction set by --better: x=higher, y=lower/)
    expect(() =>
      compareInputs([input('A', [{ algorithm: 'a', seeds: ZERO }]), input('B', [{ algorithm: 'a', seeds: ZERO }])], {
        better: { nope: 'higher' },
      }),
    ).toThrowError(/--better: no metric nope/)
  })
})

describe('timing compared as timing', () => {
  const timing = (values: number[][]) => ({
    seeds: Object.fromEntries(values.map((v, i) => [i + 1, { sessions_per_sec: v[0] }])),
    repeats: Object.fromEntries(values.map((v, i) => [i + 1, { sessions_per_sec: v }])),
  })
  const compareTiming = (a: number[][], b: number[][], timingNoise?: number) =>
    compareInputs(
      [input('A', [{ algorithm: 'amazon', ...timing(a) }]), input('B', [{ algorithm: 'amazon', ...timing(b) }])],
      { timingNoise },
    ).rows[0]

  it('without repeats: not enough timing samples, never a paired test', () => {
    const r = compareTiming([[100], [101], [99]], [[50], [51], [49]])
    expect(r.verdict).toBe('not enough timing samples')
    expect(r.test).toBeNull()
    expect(r.family).toBeNull()
  })

  it('a change inside the run-to-run spread is within noise; beyond it, a verdict', () => {
    // Repeats spread by up to 20%: a 12% drop is noise even though Welch would call it significant.
    const base = [
      [100, 120, 110],
      [100, 118, 104],
    ]
    const within = compareTiming(base, [
      [88, 105, 97],
      [88, 104, 92],
    ])
    expect(within.noiseFloor).toBeCloseTo(0.2, 12)
    expect(within.verdict).toBe('within noise')
    const slower = compareTiming(base, [
      [50, 55, 52],
      [51, 54, 53],
    ])
    expect(slower.test!.test).toBe('Welch t')
    expect(slower.verdict).toBe('worse')
    // The floor never goes below --timing-noise.
    const tight = [
      [100, 101],
      [100, 101],
    ]
    expect(
      compareTiming(tight, [
        [95, 96],
        [95, 96],
      ]).verdict,
    ).toBe('within noise')
    expect(
      compareTiming(
        tight,
        [
          [95, 96],
          [95, 96],
        ],
        0.01,
      ).verdict,
    ).toBe('worse')
  })

  it('judges speed as a ratio: a halving is as far from noise as a doubling; gates read the same interval', () => {
    const base = [
      [100, 104],
      [100, 104],
    ]
    const scaled = (f: number) => base.map((r) => r.map((x) => x * f))
    const halved = compareTiming(base, scaled(0.5), 0.1)
    const doubled = compareTiming(base, scaled(2), 0.1)
    expect(halved.relDiff).toBeCloseTo(-0.5, 12)
    expect(doubled.relDiff).toBeCloseTo(1, 12)
    expect([halved.verdict, doubled.verdict]).toEqual(['worse', 'better'])
    // A gate on a row within noise passes, with its interval shown; a slowdown beyond it fails.
    const versus = (b: number[][]) =>
      compareInputs(
        [input('A', [{ algorithm: 'amazon', ...timing(base) }]), input('B', [{ algorithm: 'amazon', ...timing(b) }])],
        { timingNoise: 0.1 },
      )
    const [pass] = evaluateGates(versus(scaled(0.99)), parseGates('sessions_per_sec:-10%'))
    expect(pass.status).toBe('pass')
    expect(pass.checks[0].interval).not.toBeNull()
    expect(evaluateGates(versus(scaled(0.5)), parseGates('sessions_per_sec:-10%'))[0].status).toBe('fail')
  })
})

describe('comparability: platform rules', () => {
  const amazon = { from: 'amazon', rules: { session_kind: 'search', referral: 'clothing 5%/10%/17%, others 15%' } }
  const neutral = { from: 'default', rules: { session_kind: 'search', referral: '15%' } }

  it('names the rules two runs differ on, above the table and in the config column', () => {
    const c = compareInputs(
      [
        input('A', [
          { algorithm: 'amazon', seeds: ZERO, rules: amazon },
          { algorithm: 'mine', seeds: ZERO, rules: neutral },
        ]),
      ],
      { baseline: 'amazon' },
    )
    expect(c.comparability).toHaveLength(1)
    expect(c.comparability[0]).toMatch(/mine ran under no platform rules.*referral 15% vs clothing 5%\/10%\/17%/)
    expect(c.comparability[0]).toMatch(/--same-rules amazon/)
    expect(c.rows.every((r) => r.rulesDiffer?.join() === 'referral')).toBe(true)
    const text = formatComparison(c, 'table', false)
    expect(text.indexOf('platform rules differ')).toBeLessThan(text.indexOf('\ncompared '))
    expect(text).toMatch(/same; rules: referral/)
    const same = compareInputs(
      [
        input('A', [
          { algorithm: 'amazon', seeds: ZERO, rules: amazon },
          { algorithm: 'mine', seeds: ZERO, rules: { ...amazon } },
        ]),
      ],
      { baseline: 'amazon' },
    )
    expect(same.comparability).toEqual([])
  })
})
