import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bench, tempDir } from './helpers/cli.ts'

const CHROMIUM = '/usr/bin/chromium'
const SERIES = ['amazon (adSlots=0)', 'amazon (adSlots=2)', 'relevance']

/** What the tests read of each Chart.js chart in the page: its axes as drawn, its direct labels, its marks. */
interface DrawnChart {
  id: string
  type: string
  xTitle: string
  yTitle: string
  x: [number, number, string]
  y: [number, number, string]
  labels: string[]
  categories: string[]
  drawn: number
  bands: number
  whiskers: number
}

async function chartsOf(page: Page): Promise<DrawnChart[]> {
  return page.evaluate(() => {
    type Scale = { min: number; max: number; type: string; options: { title: { text: string } } }
    type Point = { yMin?: number; yMax?: number } | null
    const Chart = (
      window as unknown as {
        Chart: {
          instances: Record<
            string,
            {
              canvas: HTMLCanvasElement
              config: { type: string }
              scales: Record<'x' | 'y', Scale>
              data: { labels?: string[]; datasets: { data: Point[]; band?: boolean }[] }
              $directLabels?: string[]
              getSortedVisibleDatasetMetas(): { data: unknown[] }[]
            }
          >
        }
      }
    ).Chart
    return Object.values(Chart.instances).map((c) => ({
      id: c.canvas.id,
      type: c.config.type,
      xTitle: c.scales.x.options.title.text,
      yTitle: c.scales.y.options.title.text,
      x: [c.scales.x.min, c.scales.x.max, c.scales.x.type] as [number, number, string],
      y: [c.scales.y.min, c.scales.y.max, c.scales.y.type] as [number, number, string],
      labels: c.$directLabels ?? [],
      categories: c.data.labels ?? [],
      drawn: c.getSortedVisibleDatasetMetas().reduce((s, m) => s + m.data.length, 0),
      bands: c.data.datasets.filter((d) => d.band).length,
      whiskers: c.data.datasets.flatMap((d) => d.data).filter((p) => p && (p.yMax ?? 0) > (p.yMin ?? 0)).length,
    }))
  })
}

/** The page's text as a reader sees it: not the inlined scripts' source, which textContent would include. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text wanted here
const shownText = (page: Page) => page.locator('body').innerText()

/** The PNG's width and height from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file)
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('report.html: sellers over time, merit, sweeps and the baseline, in headless Chromium', () => {
  let browser: Browser
  const two = join(tempDir('report-two-'), 'out')
  const one = join(tempDir('report-one-'), 'out')
  const run = (out: string, seeds: string, ...extra: string[]) =>
    bench(
      ['run', '--scenario', 'small', '--algorithms', 'amazon,relevance', '--seeds', seeds, '--seller-rounds'].concat([
        '--bench-time',
        '10',
        '--quiet',
        '--out',
        out,
        ...extra,
      ]),
    )

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`)
    for (const made of [run(two, '2', '--sweep', 'amazon.adSlots=0,2', '--repeat', '2'), run(one, '1')])
      expect(made.code, made.stderr).toBe(0)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    })
  })
  afterAll(async () => browser?.close())

  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } })
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(`file://${file}`)
    return { page, errors, requests }
  }

  it('draws the new charts with their axis titles and direct labels, on shared scales, and a screenshot', async () => {
    const file = join(two, 'report.html')
    const { page, errors, requests } = await open(file)
    const charts = await chartsOf(page)
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]))
    const panels = (prefix: string) => charts.filter((c) => c.id.startsWith(prefix))
    for (const c of charts) expect(c.drawn, c.id).toBeGreaterThan(0)

    // Sellers over time: a panel per series, one x- and one y-scale per figure, every group named beside its line.
    for (const [grouping, groups] of [
      ['tier', ['small', 'medium', 'large']],
      ['archetype', ['factory', 'trader', 'brand']],
      ['origin', ['cross-border', 'local']],
      ['cohort', ['incumbents']],
    ] as const) {
      const figure = panels(`share-${grouping}-`)
      expect(figure, grouping).toHaveLength(SERIES.length)
      expect(new Set(figure.map((c) => JSON.stringify([c.x, c.y]))).size, grouping).toBe(1)
      for (const c of figure) {
        expect([c.xTitle, c.yTitle]).toEqual(['round', 'share of exposure'])
        expect(c.labels, c.id).toEqual(expect.arrayContaining([...groups]))
        expect(c.bands, c.id).toBeGreaterThan(0) // 2 seeds, 2–4 lines: bands drawn
      }
    }
    for (const heading of ['size tier', 'archetype', 'origin', 'entry cohort'])
      expect(await page.getByRole('heading', { name: `Exposure share by ${heading}, round by round` }).count()).toBe(1)
    expect(await page.locator('h4', { hasText: 'amazon (adSlots=2)' }).count()).toBeGreaterThanOrEqual(5)

    // The movers: named sellers with archetype, tier, origin and the change in percentage points.
    const movers = page
      .getByRole('heading', { name: 'Top gainers and losers of exposure share' })
      .locator('xpath=following-sibling::table[1]')
    const header = await movers.locator('th').allTextContents()
    expect(header).toEqual(expect.arrayContaining(['seller_id', 'archetype', 'size_tier', 'origin', 'change']))
    const rows = await movers.locator('tbody tr').count()
    expect(rows).toBeGreaterThanOrEqual(2 * SERIES.length)
    expect(rows).toBeLessThanOrEqual(6 * SERIES.length)
    const first = await movers.locator('tbody tr').first().locator('td').allTextContents()
    expect(first[0]).toBe(SERIES[0])
    expect(first[1]).toBe('gainer')
    expect(first[3]).toMatch(/^s\d+$/)
    expect(first.at(-1)).toMatch(/^\+\d+\.\d\d pp$/)

    // Exposure against merit: log–log panels sharing one square range, the diagonal named.
    const merit = panels('merit-')
    expect(merit).toHaveLength(SERIES.length)
    for (const c of merit) {
      expect([c.xTitle, c.yTitle, c.x[2], c.y[2]]).toEqual([
        'share of merit',
        'share of exposure',
        'logarithmic',
        'logarithmic',
      ])
      expect(c.labels).toEqual(['exposure ∝ merit'])
      expect([c.x[0], c.x[1]]).toEqual([c.y[0], c.y[1]])
    }
    expect(await page.getByText('Above the line: more exposure than merit').count()).toBe(1)

    // Every rounds.csv column: the algorithms named at the lines' ends, one x-scale.
    const rounds = panels('rounds-')
    expect(rounds.map((c) => c.id)).toContain('rounds-sellers_active')
    expect(new Set(rounds.map((c) => JSON.stringify(c.x))).size).toBe(1)
    expect([...byId['rounds-gini_exposure'].labels].sort()).toEqual(SERIES)
    expect(byId['rounds-gini_exposure'].yTitle).toBe('gini_exposure')

    // The sweep: each headline metric against adSlots, ticks at the swept values, with 95% whiskers over 2 seeds.
    const sweep = panels('sweep-0-')
    expect(sweep.map((c) => c.id)).toContain('sweep-0-gini_exposure')
    for (const c of sweep) expect(c.xTitle).toBe('adSlots')
    expect(byId['sweep-0-gini_exposure'].labels).toEqual(['amazon'])
    expect(byId['sweep-0-gini_exposure'].whiskers).toBe(2)

    // Latency: p50 and p99 on one scale from 0, no legend to decode, plugins named along x.
    expect(byId['latency-rank_p50_us'].y).toEqual(byId['latency-rank_p99_us'].y)
    expect(byId['latency-rank_p50_us'].y[0]).toBe(0)
    expect(byId['latency-rank_p50_us'].categories).toEqual(SERIES)
    // The trade-off points are named beside them.
    expect([...byId.tradeoff.labels].sort()).toEqual(SERIES)

    const text = await shownText(page)
    expect(text).toContain('95% interval of the mean over 2 seeds')
    expect(text).not.toContain('One seed')
    expect(errors).toEqual([])
    expect(requests).toEqual([`file://${file}`])
    const shot = join(tempDir('report-shot-'), 'report.png')
    await page.screenshot({ path: shot, fullPage: true })
    const { width, height } = pngSize(shot)
    expect(width).toBe(1300)
    expect(height).toBeGreaterThan(5000)
    expect(statSync(shot).size).toBeGreaterThan(200_000)
    await page.close()
  })

  it('with one seed, no caption, legend or label speaks of intervals', async () => {
    const { page, errors } = await open(join(one, 'report.html'))
    const text = await shownText(page)
    expect(text).toContain('One seed: no interval.')
    expect(text.replace(/one seed: no interval/gi, '')).not.toMatch(/95%|interval|\bCI\b|band/i)
    const charts = await chartsOf(page)
    expect(charts.length).toBeGreaterThan(20)
    for (const c of charts) {
      expect(c.bands, c.id).toBe(0)
      expect(c.whiskers, c.id).toBe(0)
      expect(c.labels.join(' '), c.id).not.toMatch(/95%|CI/)
    }
    expect(errors).toEqual([])
    await page.close()
  })

  it('bench report --baseline adds the difference panels, paired on seeds, with their labels', async () => {
    const rebuilt = bench(['report', two, '--baseline', 'relevance'])
    expect(rebuilt.code, rebuilt.stderr).toBe(0)
    const { page, errors } = await open(join(two, 'report.html'))
    expect(await page.getByRole('heading', { name: 'Difference from the baseline relevance' }).count()).toBe(1)
    const charts = (await chartsOf(page)).filter((c) => c.id.startsWith('baseline-'))
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['baseline-gini_exposure', 'baseline-gmv']))
    for (const c of charts) {
      expect(c.categories, c.id).toEqual(SERIES.slice(0, 2))
      expect([c.xTitle, c.yTitle]).toEqual(['algorithm', 'difference'])
      expect(c.whiskers, c.id).toBeGreaterThan(0)
    }
    expect(await page.locator('h4', { hasText: 'gini_exposure − relevance' }).count()).toBe(1)
    expect(await page.getByText('paired t over 2 seeds').count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()

    const wrong = bench(['report', two, '--baseline', 'amazon'])
    expect(wrong.code).toBe(2) // a usage error
    expect(wrong.stderr).toMatch(/--baseline amazon: amazon has several variants; name one: amazon:adSlots=0/)
    const single = bench(['report', one, '--baseline', 'relevance'])
    expect(single.code, single.stderr).toBe(0)
    expect(readFileSync(join(one, 'report.html'), 'utf8')).toContain('One seed: no interval.')
  })
})
