import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUND_METRICS } from '../bench/metrics/definitions.ts'
import { reportData } from '../bench/report/html.ts'
import { readResultsFolder } from '../bench/runner/folder/results.ts'
import { bench, ROOT } from './helpers/cli.ts'

// Screenshots and the run they show are kept for people to look at (git-ignored).
const OUTPUT = join(ROOT, 'test-output')
const RESULTS = join(OUTPUT, 'report-run')
const CHROMIUM = '/usr/bin/chromium'

/** The parts of a Chart.js chart that the tests read in the page (Chart.js is loaded there, untyped here). */
interface PageChart<Point> {
  canvas: HTMLCanvasElement
  data: { labels: string[]; datasets: { data: Point[]; band?: boolean }[] }
  options: { scales: Record<'x' | 'y', { title: { text: string } }> }
  getSortedVisibleDatasetMetas(): { data: unknown[] }[]
}
/** A point of a report chart: a value, with its interval on either axis when it has error bars; null if missing. */
type ReportPoint = { xMin?: number; xMax?: number; yMin?: number; yMax?: number } | null
/** A bar of a forest plot: the relative difference and its interval. */
type ForestBar = { xMin: number; xMax: number }

/**
 * A copy of a results CSV with every row also present under a second scenario name (as the facts run writes default and
 * default+black-friday).
 */
const withSecondScenario = (csv: string, scenario: string) => {
  const lines = csv.trimEnd().split('\r\n')
  const column = lines[0].split(',').indexOf('scenario')
  const renamed = lines.slice(1).map((l) =>
    l
      .split(',')
      .map((v, i) => (i === column ? scenario : v))
      .join(','),
  )
  return `${[...lines, ...renamed].join('\r\n')}\r\n`
}

describe('report.html in headless Chromium', () => {
  let browser: Browser
  /** How many algorithms the default job runs (every registered plugin but the opt-in ones). */
  let algorithms = 0
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`)
    rmSync(RESULTS, { recursive: true, force: true })
    mkdirSync(OUTPUT, { recursive: true })
    const run = bench(['run', '--scenario', 'small', '--seeds', '2', '--out', RESULTS, '--bench-time', '20', '--quiet'])
    expect(run.code, run.stderr).toBe(0)
    algorithms = new Set(
      readFileSync(join(RESULTS, 'summary.csv'), 'utf8')
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).size
    expect(algorithms).toBeGreaterThanOrEqual(8)
    // The flags keep Chromium from reaching for the network this machine does not have.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
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

  it('renders every chart with data points, logs no errors and makes no network requests', async () => {
    const file = join(RESULTS, 'report.html')
    const { page, errors, requests } = await open(file)
    const charts = await page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { instances: Record<string, PageChart<ReportPoint>> } }).Chart
      return {
        canvases: document.querySelectorAll('canvas').length,
        charts: Object.values(Chart.instances).map((c) => ({
          id: c.canvas.id as string,
          points: c.data.datasets.reduce((s: number, d: { data: unknown[] }) => s + d.data.length, 0) as number,
          bands: c.data.datasets.filter((d: { band?: boolean }) => d.band).length as number,
          // Error bars: points whose interval has width (2 seeds give one).
          whiskers: c.data.datasets
            .flatMap((d) => d.data)
            .filter((p) => p && ((p.yMax ?? 0) > (p.yMin ?? 0) || (p.xMax ?? 0) > (p.xMin ?? 0))).length as number,
          drawn: c
            .getSortedVisibleDatasetMetas()
            .reduce((s: number, m: { data: unknown[] }) => s + m.data.length, 0) as number,
          xTitle: c.options.scales.x.title.text as string,
          yTitle: c.options.scales.y.title.text as string,
        })),
      }
    })
    const ids = charts.charts.map((c) => c.id)
    // The single charts, and the figures' panels: the three sides per metric, every rounds.csv column, each
    // algorithm's exposure against merit, p50 and p99 latency.
    expect(ids).toEqual(
      expect.arrayContaining(
        ['lorenz-exposure', 'tradeoff', 'throughput', 'latency-rank_p50_us', 'latency-rank_p99_us'].concat([
          'side-sellers-gini_exposure',
          'side-buyers-conversion_rate',
          'side-platform-take_rate',
        ]),
      ),
    )
    expect(ids.filter((id) => id.startsWith('rounds-'))).toEqual(ROUND_METRICS.map((m) => `rounds-${m.name}`))
    expect(ids.filter((id) => id.startsWith('merit-'))).toHaveLength(algorithms)
    // This run has no seller_rounds.csv: no sellers-over-time panels, and a line saying how to get them.
    expect(ids.filter((id) => id.startsWith('share-'))).toEqual([])
    expect(await page.getByText('run bench run --seller-rounds').count()).toBe(1)
    expect(charts.charts).toHaveLength(charts.canvases)
    for (const c of charts.charts) {
      expect(c.points, c.id).toBeGreaterThan(0)
      expect(c.drawn, c.id).toBeGreaterThan(0)
      expect(c.xTitle, c.id).not.toBe('')
      expect(c.yTitle, c.id).not.toBe('')
    }
    const byId = Object.fromEntries(charts.charts.map((c) => [c.id, c]))
    // Uncertainty across seeds: whiskers on the bars and on both axes of the trade-off points; with this many
    // algorithms the lines carry no bands (they would hide each other), and the captions say so.
    for (const id of ['lorenz-exposure', 'rounds-gmv', 'rounds-new_seller_exposure_share'])
      expect(byId[id].bands, id).toBe(0)
    expect(await page.getByText('No bands: the 95% bands over 2 seeds').count()).toBe(2) // Lorenz, rounds
    for (const id of ['side-sellers-gini_exposure', 'side-buyers-ndcg_at_10', 'side-platform-take_rate', 'throughput'])
      expect(byId[id].whiskers, id).toBeGreaterThan(0)
    expect(byId.tradeoff.points).toBe(algorithms)
    expect(byId.tradeoff.whiskers).toBe(algorithms)
    expect(await page.locator('table').first().locator('tbody tr').count()).toBe(algorithms)
    expect(errors).toEqual([])
    expect(requests).toEqual([`file://${file}`])
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true })
    await page.close()
  })

  it(
    'bench report rebuilds the page from the CSVs: ' +
      'the facts table, and each scenario apart as a facts run writes them',
    async () => {
      const facts = join(OUTPUT, 'report-facts')
      rmSync(facts, { recursive: true, force: true })
      cpSync(RESULTS, facts, { recursive: true })
      for (const file of ['summary.csv', 'rounds.csv', 'sellers.csv', 'throughput.csv'])
        writeFileSync(
          join(facts, file),
          withSecondScenario(readFileSync(join(RESULTS, file), 'utf8'), 'small+black-friday'),
        )
      writeFileSync(join(facts, 'facts.csv'), 'id,claim,holds\nF1,an example fact,yes\n')
      const rebuilt = bench(['report', facts])
      expect(rebuilt.code, rebuilt.stderr).toBe(0)
      const data = reportData(readResultsFolder(facts))
      expect(data.summary.tables.map((t) => [t.scenario, t.rows.length])).toEqual([
        ['small', algorithms],
        ['small+black-friday', algorithms],
      ])
      expect(data.series).toContain('amazon [small+black-friday]')
      const { page, errors } = await open(join(facts, 'report.html'))
      await expect(page.getByRole('heading', { name: 'Stylized facts' }).count()).resolves.toBe(1)
      expect(await page.locator('td', { hasText: 'an example fact' }).count()).toBe(1)
      for (const scenario of ['small', 'small+black-friday'])
        expect(await page.getByRole('heading', { name: `scenario ${scenario}`, exact: true }).count()).toBe(1)
      expect(errors).toEqual([])
      await page.close()
    },
  )

  it(
    'bench compare --html writes a self-contained comparison page: ' + 'forest plots with CIs, gates, every row',
    async () => {
      const planted = join(OUTPUT, 'planted-summary.csv')
      writeFileSync(
        planted,
        readFileSync(join(RESULTS, 'summary.csv'), 'utf8').replace(
          /^(amazon,,small,\d+,\d+,)([\d.]+)/gm,
          (_, keys, gini) => `${keys}${Number(gini) + 0.05}`,
        ),
      )
      const file = join(OUTPUT, 'compare.html')
      const r = bench([
        'compare',
        RESULTS,
        planted,
        '--metrics',
        'gini_exposure,gmv,conversion_rate,ad_revenue',
        '--fail-on',
        'gini_exposure:+0.02',
        '--html',
        file,
      ])
      expect(r.code, r.stderr).toBe(1) // the gate fails; the page is written all the same
      expect(r.stderr).toMatch(/fail-on gini_exposure:\+0\.02: fail — B:amazon vs A:amazon/)
      const { page, errors, requests } = await open(file)
      const charts = await page.evaluate(() => {
        const Chart = (window as unknown as { Chart: { instances: Record<string, PageChart<ForestBar>> } }).Chart
        return Object.values(Chart.instances).map((c) => ({
          id: c.canvas.id as string,
          labels: c.data.labels as string[],
          bars: c
            .getSortedVisibleDatasetMetas()
            .reduce((s: number, m: { data: unknown[] }) => s + m.data.length, 0) as number,
          whiskers: c.data.datasets[0].data.filter((p: ForestBar) => p.xMax >= p.xMin).length as number,
        }))
      })
      // One forest plot per compared pair (one per algorithm), a bar per metric with a relative difference.
      expect(charts).toHaveLength(algorithms)
      for (const c of charts) {
        expect(c.bars, c.id).toBe(c.labels.length)
        expect(c.whiskers, c.id).toBe(c.labels.length)
      }
      expect(charts.find((c) => c.id === 'pair-0')!.labels).toContain('gini_exposure')
      expect(await page.locator('tr.fail td', { hasText: 'gini_exposure:+0.02' }).count()).toBe(1)
      // amazon's planted +0.05, paired, Holm-adjusted
      expect(await page.locator('tr.worse td', { hasText: 'gini_exposure' }).count()).toBe(1)
      expect(
        await page
          .getByRole('heading', { name: 'All rows' })
          .locator('xpath=following-sibling::table[1]')
          .locator('tbody tr')
          .count(),
      ).toBe(4 * algorithms) // 4 metrics per algorithm
      expect(errors).toEqual([])
      expect(requests).toEqual([`file://${file}`])
      await page.screenshot({ path: join(OUTPUT, 'compare.png'), fullPage: true })
      await page.close()
    },
  )
  it("a calibration's report draws the fit and the validation, each point with its interval, no errors", async () => {
    const dir = join(OUTPUT, 'calibration')
    const run = join(OUTPUT, 'calibration-log')
    const shuffled = join(ROOT, 'test/fixtures/scenarios/examination-shuffled.json')
    const made = bench(
      ['run', '--scenario', shuffled, '--algorithms', 'relevance', '--rounds', '4', '--write-log'].concat([
        '--bench-time',
        '0',
        '--quiet',
        '--out',
        run,
      ]),
    )
    expect(made.code, made.stderr).toBe(0)
    const log = join(run, 'impressions-relevance-seed1.csv.gz')
    const calibrated = bench(['calibrate', '--log', log, '--holdout', '0.3', '--bootstrap', '10', '--out', dir])
    expect(calibrated.code, calibrated.stderr).toBe(0)
    const { page, errors, requests } = await open(join(dir, 'report.html'))
    const charts = await page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { instances: Record<string, PageChart<ReportPoint>> } }).Chart
      return Object.values(Chart.instances).map((c) => ({
        id: c.canvas.id as string,
        drawn: c.getSortedVisibleDatasetMetas().reduce((s: number, m: { data: unknown[] }) => s + m.data.length, 0),
        whiskers: c.data.datasets.flatMap((d) => d.data).filter((p) => p && (p.yMax ?? 0) > (p.yMin ?? 0)).length,
      }))
    })
    expect(charts.map((c) => c.id).sort()).toEqual(['fit-click-rate', 'fit-examination', 'validation-click-rate'])
    // 20 positions: logged and fitted click rates (40 points), the curve (20), held-out logged and replayed (40).
    expect(charts.map((c) => [c.id, c.drawn]).sort()).toEqual([
      ['fit-click-rate', 40],
      ['fit-examination', 20],
      ['validation-click-rate', 40],
    ])
    // Every logged point has its interval; position 1 of the curve is 1 by definition, so it has none.
    expect(charts.find((c) => c.id === 'fit-click-rate')!.whiskers).toBe(20)
    expect(charts.find((c) => c.id === 'fit-examination')!.whiskers).toBe(19)
    expect(charts.find((c) => c.id === 'validation-click-rate')!.whiskers).toBe(20)
    expect(errors).toEqual([])
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([])
    await page.screenshot({ path: join(OUTPUT, 'calibration.png'), fullPage: true })
    await page.close()
  })
})
