import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rerank } from '../bench/calibrate/rerank.ts'
import { makeRng } from '../core/rng.ts'
import { ROOT, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-rerank-')
const GAMMA = [1, 0.7, 0.55, 0.45, 0.38, 0.33, 0.29, 0.26, 0.23, 0.21]
const SESSIONS = 30_000

/**
 * A log from a known position-based model: each session shows 10 of 300 products in a uniformly
 * random order (propensity 1/10 for each shown product at each position), with a relevance column
 * the relevance plugin ranks by (a noisy view of attractiveness, distinct per product). Returns the
 * true clicks per session of ranking each session's products by that column: Σ_k γ_k α_(k).
 */
function shuffledLog(file: string): { truth: number; loggedClicks: number } {
  const rng = makeRng(11, 'shuffled-log')
  const alpha = Array.from({ length: 300 }, () => 0.05 + 0.45 * rng())
  const relevance = alpha.map((a, i) => Math.min(1, Math.max(0, a + 0.15 * (rng() - 0.5))) + i * 1e-9)
  const lines = [
    'session_id,round,position,product_id,seller_id,sponsored,clicked,purchased,price,cpc,relevance,propensity',
  ]
  let truth = 0
  let loggedClicks = 0
  for (let s = 0; s < SESSIONS; s++) {
    const shown = new Set<number>()
    while (shown.size < GAMMA.length) shown.add(Math.floor(rng() * alpha.length))
    const products = [...shown]
    const ranked = [...products].sort((a, b) => relevance[b] - relevance[a])
    truth += ranked.reduce((sum, a, k) => sum + GAMMA[k] * alpha[a], 0)
    const clicked = products.map((a, k) => rng() < GAMMA[k] * alpha[a])
    loggedClicks += clicked.filter(Boolean).length
    const round = Math.floor((s * 5) / SESSIONS)
    for (const [k, a] of products.entries())
      lines.push(`${s},${round},${k + 1},p${a},s${a % 30},0,${clicked[k] ? 1 : 0},0,,,${relevance[a]},0.1`)
  }
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { truth: truth / SESSIONS, loggedClicks: loggedClicks / SESSIONS }
}

/**
 * Each session retrieves 20 of 300 products (candidates.csv) and shows 10 of them in random order;
 * the relevance plugin chooses its 10 from all 20. Returns its true clicks per session.
 */
function retrievalLog(dir: string): { truth: number } {
  const rng = makeRng(5, 'retrieval-log')
  const alpha = Array.from({ length: 300 }, () => 0.05 + 0.45 * rng())
  const relevance = alpha.map((a, i) => Math.min(1, Math.max(0, a + 0.15 * (rng() - 0.5))) + i * 1e-9)
  const log = ['session_id,round,position,product_id,seller_id,sponsored,clicked,purchased,price,cpc,relevance']
  const candidates = ['session_id,round,product_id,relevance']
  let truth = 0
  for (let s = 0; s < 20_000; s++) {
    const pool = new Set<number>()
    while (pool.size < 20) pool.add(Math.floor(rng() * alpha.length))
    const retrieved = [...pool]
    const shown = retrieved.slice(0, GAMMA.length)
    const best = [...retrieved].sort((a, b) => relevance[b] - relevance[a]).slice(0, GAMMA.length)
    truth += best.reduce((sum, a, k) => sum + GAMMA[k] * alpha[a], 0)
    const round = Math.floor((s * 4) / 20_000)
    for (const [k, a] of shown.entries())
      log.push(`${s},${round},${k + 1},p${a},s${a % 30},0,${rng() < GAMMA[k] * alpha[a] ? 1 : 0},0,,,${relevance[a]}`)
    for (const a of retrieved) candidates.push(`${s},${round},p${a},${relevance[a]}`)
  }
  writeFileSync(join(dir, 'log.csv'), `${log.join('\n')}\n`)
  writeFileSync(join(dir, 'candidates.csv'), `${candidates.join('\n')}\n`)
  return { truth: truth / 20_000 }
}

describe("bench rerank with --candidates: plugins choose from each session's retrieval set", () => {
  const { truth } = retrievalLog(work)
  const options = {
    log: join(work, 'log.csv'),
    candidates: join(work, 'candidates.csv'),
    algorithms: ['relevance'],
    plugin: [],
    param: [],
    sweep: [],
    seed: 1,
    bootstrap: 10,
    clip: Number.POSITIVE_INFINITY,
  }

  it('shows products the log never showed in that session, and the model estimates them within 5%', async () => {
    const r = await rerank(options)
    const dm = r.results[1].ope.find((e) => e.metric === 'clicks_per_session' && e.estimator === 'dm')!
    expect(Math.abs(Number(dm.value) / truth - 1)).toBeLessThan(0.05)
    // Without the retrieval set it can only reorder the 10 shown, and gets fewer clicks.
    const { candidates: _, ...shownOnly } = options
    const reordered = (await rerank(shownOnly)).results[1].ope.find(
      (e) => e.metric === 'clicks_per_session' && e.estimator === 'dm',
    )!
    expect(Number(reordered.value)).toBeLessThan(Number(dm.value) * 0.95)
  })

  it('refuses a candidate session the log does not have, naming it', async () => {
    const file = join(work, 'stray.csv')
    writeFileSync(file, 'session_id,round,product_id,relevance\nnope,0,p1,0.5\n')
    await expect(rerank({ ...options, candidates: file })).rejects.toThrow(
      /--candidates .*stray\.csv: session "nope" of round 0 is not in the log, or the file's sessions are not in/,
    )
  })
})

describe('bench rerank on a log of known click model, with randomized order and propensities', () => {
  const file = join(work, 'shuffled.csv')
  const { truth, loggedClicks } = shuffledLog(file)

  it('gives the relevance plugin an iips interval holding its true clicks per session, a dm within 5%', async () => {
    const r = await rerank({
      log: file,
      algorithms: ['relevance'],
      plugin: [],
      param: [],
      sweep: [],
      seed: 1,
      bootstrap: 200,
      clip: Infinity,
    })
    const ope = r.results.find((x) => x.summary[0].algorithm === 'relevance')!.ope
    const row = (estimator: string) => ope.find((e) => e.metric === 'clicks_per_session' && e.estimator === estimator)!
    const iips = row('iips')
    expect(Number(iips.ci_low)).toBeLessThan(truth)
    expect(Number(iips.ci_high)).toBeGreaterThan(truth)
    expect(Math.abs(Number(row('dm').value) / truth - 1)).toBeLessThan(0.05)
    // The ranker differs from the log: its truth is well above what the shuffled order got.
    const logged = r.results.find((x) => x.summary[0].algorithm === 'logged')!.ope
    const loggedClicks = Number(logged.find((e) => e.metric === 'clicks_per_session' && e.estimator === 'iips')!.value)
    expect(truth / loggedClicks).toBeGreaterThan(1.1)
  })

  it('ranks a batch plugin a round at once, with the rows of the same ranker one session at a time', async () => {
    const r = await rerank({
      log: file,
      algorithms: ['relevance', 'relevance-batch'],
      plugin: [join(ROOT, 'test/fixtures/plugins/relevance-batch.ts')],
      param: [],
      sweep: [],
      seed: 1,
      bootstrap: 20,
      clip: Infinity,
    })
    const [, session, batch] = r.results
    const unnamed = (rows: Record<string, unknown>[]) => rows.map(({ algorithm: _, ...rest }) => rest)
    expect(unnamed(batch.summary)).toEqual(unnamed(session.summary))
    expect(unnamed(batch.sellers)).toEqual(unnamed(session.sellers))
    expect(unnamed(batch.ope)).toEqual(unnamed(session.ope))
  })

  it('without a propensity column, estimates a plugin by the model only', async () => {
    const bare = join(work, 'bare.csv')
    writeFileSync(bare, readFileSync(file, 'utf8').replace(/,[^,\n]*$/gm, ''))
    const r = await rerank({
      log: bare,
      algorithms: ['relevance'],
      plugin: [],
      param: [],
      sweep: [],
      seed: 1,
      bootstrap: 10,
      clip: Infinity,
    })
    const estimators = (name: string) => [
      ...new Set(r.results.find((x) => x.summary[0].algorithm === name)!.ope.map((e) => e.estimator)),
    ]
    expect(estimators('relevance')).toEqual(['dm'])
    expect(estimators('logged')).toEqual(['dm', 'iips', 'snips'])
  })

  it("weighs the logged order by 1: its estimates are the log's own values", async () => {
    const r = await rerank({
      log: file,
      algorithms: [],
      plugin: [],
      param: [],
      sweep: [],
      seed: 1,
      bootstrap: 20,
      clip: Infinity,
    })
    expect(r.results).toHaveLength(1)
    const ope = r.results[0].ope
    const clicks = ope.find((e) => e.metric === 'clicks_per_session' && e.estimator === 'iips')!
    const summary = r.results[0].summary[0]
    expect(summary.algorithm).toBe('logged')
    expect(Number(clicks.value)).toBeCloseTo(loggedClicks, 12)
    expect(ope.find((e) => e.metric === 'conversion_rate' && e.estimator === 'iips')!.value).toBe(0)
  })
})
