import { describe, expect, it } from 'vitest'
import { pairedDifference, resolveBaseline } from '../bench/report/charts/baseline.ts'
import {
  cohortOf,
  groupShares,
  movers,
  readSellerRounds,
  type SellerRound,
} from '../bench/report/charts/seller-shares.ts'
import { findSweeps, parseVariant } from '../bench/report/charts/sweep.ts'
import { lorenzCurve, reportData } from '../bench/report/html.ts'
import type { ChartSpec, FigureSpec } from '../bench/report/page.ts'
import { betterReading, niceCeiling } from '../bench/report/report-rows.ts'

describe('lorenz curve', () => {
  it('is the diagonal for equal values and hugs the axis when one holds all', () => {
    expect(lorenzCurve([1, 1, 1, 1]).every((p) => Math.abs(p.y - p.x) < 1e-12)).toBe(true)
    const skewed = lorenzCurve([0, 0, 0, 10])
    expect(skewed.find((p) => p.x === 0.75)!.y).toBe(0)
    expect(skewed.at(-1)).toEqual({ x: 1, y: 1 })
  })
})

const csv = (header: string, rows: string[]) => `${[header, ...rows].join('\r\n')}\r\n`

/**
 * A hand-made market: algorithms a and b, 3 rounds, sellers s1 (small factory), s2 (large brand), both incumbents,
 * and s3 (small trader) who enters in round 2. Under a, seed 1: round 0 exposure s1 1, s2 3; round 1: 2, 2;
 * round 2: 1, 1 and s3 2. Under b nobody is shown anything in round 0 (its rows are omitted, as the file does).
 */
const SELLERS_HEADER =
  'algorithm,variant,scenario,seed,seller_id,archetype,size_tier,origin,join_round,exposure,merit,impressions'
const sellerRows = (seed: number, origin = true) =>
  ['a', 'b'].flatMap((algo) => [
    `${algo},,x,${seed},s1,factory,small,${origin ? 'domestic' : ''},0,4,4,10`,
    `${algo},,x,${seed},s2,brand,large,${origin ? 'abroad' : ''},0,6,2,10`,
    `${algo},,x,${seed},s3,trader,small,,2,2,6,5`,
  ])
const SELLER_ROUNDS_HEADER =
  'algorithm,variant,scenario,seed,round,seller_id,exposure,impressions,clicks,orders,revenue,ad_spend,active'
const roundRows = (seed: number) =>
  [
    ['a', 0, 's1', 1],
    ['a', 0, 's2', 3],
    ['a', 1, 's1', 2],
    ['a', 1, 's2', 2],
    ['a', 2, 's1', 1],
    ['a', 2, 's2', 1],
    ['a', 2, 's3', 2],
    ['b', 1, 's1', 1],
    ['b', 1, 's2', 1],
    ['b', 2, 's2', 4],
  ].map(([algo, round, seller, exposure]) => `${algo},,x,${seed},${round},${seller},${exposure},1,0,0,0,0,1`)
const SUMMARY_HEADER = 'algorithm,variant,scenario,seed,gini_exposure,gmv,conversion_rate,exposure_merit_tvd'

function folder(seeds: number[], { origin = true, sellerRounds = true } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'summary.csv': csv(
      SUMMARY_HEADER,
      seeds.flatMap((s) => [
        `a,,x,${s},${0.5 + s / 10},${100 * s},0.1,0.2`,
        `b,,x,${s},${0.6 + s / 20},${90 * s},0.2,0.3`,
      ]),
    ),
    'rounds.csv': csv(
      'algorithm,variant,scenario,seed,round,gini_exposure,gmv',
      seeds.flatMap((s) => [0, 1, 2].flatMap((r) => [`a,,x,${s},${r},0.5,${10 + r}`, `b,,x,${s},${r},0.6,${9 + s}`])),
    ),
    'sellers.csv': csv(
      origin ? SELLERS_HEADER : SELLERS_HEADER.replace(',origin', ''),
      seeds.flatMap((s) =>
        sellerRows(s, origin).map((r) => (origin ? r : r.replace(/,(domestic|abroad)?,(\d),/, ',$2,'))),
      ),
    ),
    'throughput.csv': csv(
      'algorithm,variant,scenario,seed,repeat,sessions_per_sec,rank_p50_us,rank_p99_us',
      seeds.flatMap((s) => [`a,,x,${s},1,1000,1,1.5`, `a,,x,${s},2,1200,3,20`, `b,,x,${s},1,900,0.2,0.4`]),
    ),
  }
  if (sellerRounds) files['seller_rounds.csv'] = csv(SELLER_ROUNDS_HEADER, seeds.flatMap(roundRows))
  return files
}

const seriesName = (r: Record<string, string>) => r.algorithm
const rowsOf = (seeds: number[]) => readSellerRounds(csv(SELLER_ROUNDS_HEADER, seeds.flatMap(roundRows)), seriesName)
const tier = (r: SellerRound) => (r.seller === 's2' ? 'large' : 'small')

describe('sellers over time: the data', () => {
  it("gives each group's share of every round with exposure, summing to 1 over the groups", () => {
    const shares = groupShares(rowsOf([1, 2]), tier)
    // a: 3 rounds × 2 seeds; b: rounds 1 and 2 only (nothing shown in round 0) × 2 seeds.
    expect(shares).toHaveLength(10)
    for (const s of shares) expect([...s.shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    const a = (round: number) => Object.fromEntries(shares.find((s) => s.series === 'a' && s.round === round)!.shares)
    expect([a(0), a(1), a(2)]).toEqual([
      { small: 0.25, large: 0.75 },
      { small: 0.5, large: 0.5 },
      { small: 0.75, large: 0.25 },
    ])
    // A group shown nothing in a round still has its share: 0.
    expect(Object.fromEntries(shares.find((s) => s.series === 'b' && s.round === 2)!.shares)).toEqual({
      small: 0,
      large: 1,
    })
  })

  it('names the sellers whose share rose and fell most from the first third of the rounds to the last', () => {
    const result = movers(rowsOf([1]), 3)
    // a: first third = round 0 (s1 .25, s2 .75), last = round 2 (s1 .25, s2 .25, s3 .5).
    const a = result.get('a')!
    expect(a.gainers.map((m) => [m.seller, m.first, m.last, m.change])).toEqual([['s3', 0, 0.5, 0.5]])
    expect(a.losers.map((m) => [m.seller, m.first, m.last, m.change])).toEqual([['s2', 0.75, 0.25, -0.5]])
    // b showed nothing in round 0: no share to compare with, so no movers.
    expect(result.has('b')).toBe(false)
    // Each seed is its own market: the same seller id in two seeds is two rows.
    expect(
      movers(rowsOf([1, 2]), 3, 5)
        .get('a')!
        .gainers.map((m) => `${m.seller}@${m.seed}`),
    ).toEqual(['s3@1', 's3@2'])
  })

  it('buckets entry rounds into the incumbents and three spans of entrants', () => {
    const twelve = cohortOf(12)
    expect(twelve.order).toEqual(['incumbents', 'entered rounds 1–4', 'entered rounds 5–8', 'entered rounds 9–11'])
    expect([0, 1, 4, 5, 11].map(twelve.label)).toEqual([
      'incumbents',
      'entered rounds 1–4',
      'entered rounds 1–4',
      'entered rounds 5–8',
      'entered rounds 9–11',
    ])
    expect(cohortOf(3).order).toEqual(['incumbents', 'entered round 1', 'entered round 2'])
  })
})

/** Every text a reader sees beside the charts: titles, readings, captions, notes under panels. */
const captions = (data: ReturnType<typeof reportData>) => {
  const panels = Object.values(data.figures).flatMap((fs: FigureSpec[]) => fs.flatMap((f) => f.panels))
  const figures = Object.values(data.figures).flatMap((fs: FigureSpec[]) => fs.map((f) => [f.note, f.reading]))
  const charts = [...data.charts, ...panels].map((c: ChartSpec & { below?: string }) => [c.note, c.reading, c.below])
  return [...figures, ...charts, Object.values(data.html)].flat().join('\n')
}

describe('report data', () => {
  it('draws the sellers over time with one x- and one y-scale per figure, and the movers table', () => {
    const data = reportData(folder([1, 2]))
    expect(data.figures.overTime.map((f) => f.id)).toEqual([
      'fig-share-tier',
      'fig-share-archetype',
      'fig-share-origin',
      'fig-share-cohort',
    ])
    for (const f of data.figures.overTime) {
      expect(f.panels.map((p) => p.title)).toEqual(['a', 'b'])
      expect(new Set(f.panels.map((p) => JSON.stringify([p.xRange, p.range]))).size, f.id).toBe(1)
      expect(f.panels[0].xRange).toEqual([0, 2])
      for (const p of f.panels) expect(p.directLabels).toBe('end')
    }
    const tiers = data.figures.overTime[0].panels[0].datasets.map((d) => d.label)
    expect(tiers).toEqual(['small', 'large'])
    expect(data.html.overTime).toContain('Top gainers and losers')
    expect(data.html.overTime).toMatch(/<td>a<\/td><td>gainer<\/td><td>1<\/td><td>s3<\/td><td>trader<\/td><td>small/)
  })

  it('leaves out what the folder cannot show, with a line saying how to get it', () => {
    const noOrigin = reportData(folder([1, 2], { origin: false }))
    expect(noOrigin.figures.overTime.map((f) => f.id)).not.toContain('fig-share-origin')
    expect(noOrigin.html.overTime).toContain('Not shown: by origin (sellers.csv has no origin)')
    const old = reportData(folder([1, 2], { sellerRounds: false }))
    expect(old.figures.overTime).toEqual([])
    expect(old.html.overTime).toContain('run <code>bench run --seller-rounds</code>')
  })

  it('states intervals as 95% over seeds with two seeds, and none with one', () => {
    expect(captions(reportData(folder([1, 2])))).toMatch(/95% interval of the mean over 2 seeds/)
    const one = captions(reportData(folder([1])))
    expect(one).toContain('One seed: no interval.')
    expect(one.replaceAll('One seed: no interval', '')).not.toMatch(/95%|interval|\bCI\b|band:/i)
  })

  it('shows latency as medians with the fastest-to-slowest range, never below 0', () => {
    const latency = reportData(folder([1, 2])).figures.speed[0]
    expect(latency.panels.map((p) => p.title)).toEqual(['rank_p50_us', 'rank_p99_us'])
    const p50 = latency.panels[0].datasets[0].data as { y: number; yMin: number; yMax: number }[]
    expect(p50[0]).toEqual({ y: 2, yMin: 1, yMax: 3 }) // a: 1, 3, 1, 3 over seeds × repeats
    expect(latency.panels[0].range).toEqual(latency.panels[1].range)
    expect(latency.panels.flatMap((p) => p.datasets[0].data as { yMin: number }[]).every((d) => d.yMin >= 0)).toBe(true)
  })

  it('reads a metric from its better direction in the registry', () => {
    expect(betterReading('gini_exposure')).toBe('lower is better')
    expect(betterReading('gmv')).toBe('higher is better')
    expect(niceCeiling(0.83)).toBe(1)
    expect(niceCeiling(28.6)).toBe(50)
  })
})

describe('sweeps', () => {
  it('finds variants that differ in one parameter, one line per setting of the others', () => {
    expect([...parseVariant('adSlots=2;priceParity=true')]).toEqual([
      ['adSlots', '2'],
      ['priceParity', 'true'],
    ])
    const rows = ['adSlots=4', 'adSlots=0', 'adSlots=2'].map((variant) => ({
      algorithm: 'amazon',
      variant,
      scenario: 'x',
    }))
    const [sweep] = findSweeps([...rows, { algorithm: 'relevance', variant: '', scenario: 'x' }])
    expect(sweep).toMatchObject({ algorithm: 'amazon', parameter: 'adSlots', values: ['0', '2', '4'], numeric: true })
    const product = ['p=true;k=1', 'p=true;k=2', 'p=false;k=1', 'p=false;k=2'].map((variant) => ({
      algorithm: 'amazon',
      variant,
      scenario: 'x',
    }))
    const sweeps = findSweeps(product)
    expect(sweeps.map((s) => [s.parameter, s.numeric, s.lines.map((l) => l.name)])).toEqual([
      ['p', false, ['k=1', 'k=2']],
      ['k', true, ['p=true', 'p=false']],
    ])
  })
})

describe('difference from a baseline', () => {
  it('pairs the seeds both rows have: a paired t interval with two, the bare difference with one', () => {
    const d = pairedDifference(
      new Map([
        ['1', 1],
        ['2', 2],
        ['3', 9],
      ]),
      new Map([
        ['1', 2],
        ['2', 4],
      ]),
    )!
    // Differences 1 and 2: mean 1.5, sd √0.5, se 0.5, t(0.975, 1) = 12.706.
    expect(d.y).toBeCloseTo(1.5, 12)
    expect(d.yMax - d.y).toBeCloseTo(12.7062 * 0.5, 3)
    expect(d.seeds).toBe(2)
    expect(pairedDifference(new Map([['1', 1]]), new Map([['1', 3]]))).toEqual({ y: 2, yMin: 2, yMax: 2, seeds: 1 })
  })

  it('names the baseline row, or says which rows there are', () => {
    const summary = [
      { algorithm: 'amazon', variant: 'adSlots=0' },
      { algorithm: 'amazon', variant: 'adSlots=2' },
      { algorithm: 'relevance', variant: '' },
    ]
    expect(resolveBaseline(summary, 'relevance')).toEqual({ algorithm: 'relevance', variant: '' })
    expect(resolveBaseline(summary, 'amazon:adSlots=2')).toEqual({ algorithm: 'amazon', variant: 'adSlots=2' })
    expect(() => resolveBaseline(summary, 'amazon')).toThrow(/several variants; name one: amazon:adSlots=0/)
    expect(() => resolveBaseline(summary, 'temu')).toThrow(
      /no algorithm temu in the results \(they hold amazon, relevance\)/,
    )
  })

  it('draws one panel per headline metric, the other rows along x', () => {
    const data = reportData(folder([1, 2]), { baseline: 'a' })
    const [figure] = data.figures.baseline
    expect(figure.panels.map((p) => p.title)).toEqual(['gini_exposure − a', 'conversion_rate − a', 'gmv − a'])
    expect(figure.panels[0].labels).toEqual(['b'])
    expect(figure.note).toMatch(/paired t over 2 seeds/)
    expect(reportData(folder([1, 2])).figures.baseline).toEqual([])
  })
})
