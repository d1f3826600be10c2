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
    const ope = r.results.find((x) => x.summary.algorithm === 'relevance')!.ope
    const row = (estimator: string) => ope.find((e) => e.metric === 'clicks_per_session' && e.estimator === estimator)!
    const iips = row('iips')
    expect(Number(iips.ci_low)).toBeLessThan(truth)
    expect(Number(iips.ci_high)).toBeGreaterThan(truth)
    expect(Math.abs(Number(row('dm').value) / truth - 1)).toBeLessThan(0.05)
    // The ranker differs from the log: its truth is well above what the shuffled order got.
    const logged = r.results.find((x) => x.summary.algorithm === 'logged')!.ope
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
    expect(unnamed([batch.summary])).toEqual(unnamed([session.summary]))
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
      ...new Set(r.results.find((x) => x.summary.algorithm === name)!.ope.map((e) => e.estimator)),
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
    const summary = r.results[0].summary
    expect(summary.algorithm).toBe('logged')
    expect(Number(clicks.value)).toBeCloseTo(loggedClicks, 12)
    expect(ope.find((e) => e.metric === 'conversion_rate' && e.estimator === 'iips')!.value).toBe(0)
  })
})
