import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lorenzCurve } from '../bench/report/html.ts'

const ROOT = resolve(import.meta.dirname, '..')
// Screenshots and the run they show are kept for people to look at (git-ignored).
const OUTPUT = join(ROOT, 'test-output')
const RESULTS = join(OUTPUT, 'report-run')
const CHROMIUM = '/usr/bin/chromium'

describe('lorenz curve', () => {
  it('is the diagonal for equal values and hugs the axis when one holds all', () => {
    expect(lorenzCurve([1, 1, 1, 1]).every((p) => Math.abs(p.y - p.x) < 1e-12)).toBe(true)
    const skewed = lorenzCurve([0, 0, 0, 10])
    expect(skewed.find((p) => p.x === 0.75)!.y).toBe(0)
    expect(skewed.at(-1)).toEqual({ x: 1, y: 1 })
  })
})

describe('report.html in headless Chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`)
    rmSync(RESULTS, { recursive: true, force: true })
    mkdirSync(OUTPUT, { recursive: true })
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/bench.js'), 'run', '--scenario', 'small', '--seeds', '2', '--out', RESULTS, '--bench-time', '20', '--quiet'], { encoding: 'utf8' })
    expect(run.status, run.stderr).toBe(0)
    // The flags keep Chromium from reaching for the network this machine does not have.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
      const Chart = (window as unknown as { Chart: { instances: Record<string, any> } }).Chart
      return {
        canvases: document.querySelectorAll('canvas').length,
        charts: Object.values(Chart.instances).map((c) => ({
          id: c.canvas.id as string,
          points: c.data.datasets.reduce((s: number, d: { data: unknown[] }) => s + d.data.length, 0) as number,
          drawn: c.getSortedVisibleDatasetMetas().reduce((s: number, m: { data: unknown[] }) => s + m.data.length, 0) as number,
          xTitle: c.options.scales.x.title.text as string,
          yTitle: c.options.scales.y.title.text as string,
        })),
      }
    })
    expect(charts.charts.map((c) => c.id).sort()).toEqual(
      ['cpc', 'gmv', 'lorenz-exposure', 'new-seller-share', 'rank-latency', 'side-buyers', 'side-platform', 'side-sellers', 'small-seller-share', 'throughput'],
    )
    expect(charts.charts).toHaveLength(charts.canvases)
    for (const c of charts.charts) {
      expect(c.points, c.id).toBeGreaterThan(0)
      expect(c.drawn, c.id).toBeGreaterThan(0)
      expect(c.xTitle, c.id).not.toBe('')
      expect(c.yTitle, c.id).not.toBe('')
    }
    expect(await page.locator('table').first().locator('tbody tr').count()).toBe(8)
    expect(errors).toEqual([])
    expect(requests).toEqual([`file://${file}`])
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true })
    await page.close()
  })

  it('bench report rebuilds the page from the CSVs, with the facts table when facts.csv is there', async () => {
    writeFileSync(join(RESULTS, 'facts.csv'), 'id,claim,holds\nF1,an example fact,yes\n')
    const rebuilt = spawnSync(process.execPath, [join(ROOT, 'bin/bench.js'), 'report', RESULTS], { encoding: 'utf8' })
    expect(rebuilt.status, rebuilt.stderr).toBe(0)
    const { page, errors } = await open(join(RESULTS, 'report.html'))
    await expect(page.getByRole('heading', { name: 'Stylized facts' }).count()).resolves.toBe(1)
    expect(await page.locator('td', { hasText: 'an example fact' }).count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  })
})
