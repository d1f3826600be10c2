import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import amazon from '../algorithms/amazon.ts'
import { platformRules } from '../algorithms/kit/fees.ts'
import { rulesFingerprint } from '../algorithms/kit/rules-fingerprint.ts'
import { bench, type Ran, readCsvRows, readManifest, tempDir } from './helpers/cli.ts'

const work = tempDir('trafficbench-same-rules-')
const PLAN = [
  'run',
  '--scenario',
  'small',
  '--rounds',
  '3',
  '--sessions',
  '300',
  '--algorithms',
  'relevance',
  '--bench-time',
  '0',
  '--quiet',
]

describe('bench run --same-rules ALGO', () => {
  const own = join(work, 'own')
  const amazons = join(work, 'amazons')
  let run: Ran
  beforeAll(() => {
    bench([...PLAN, '--out', own])
    run = bench([...PLAN, '--same-rules', 'amazon', '--out', amazons])
  })

  it("records the neutral default rules of a plugin that declares none, from 'default'", () => {
    expect(readManifest(own).rules).toEqual([
      {
        algorithm: 'relevance',
        variant: '',
        from: 'default',
        rules: {
          session_kind: 'search',
          price_first: 'no',
          retail_markup: '1',
          referral: '15%',
          fulfilment: '$0',
          delivery: '3/10 days',
        },
      },
    ])
  })

  it("simulates relevance under amazon's rules: recorded as amazon's, with amazon's fees", () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const expected = rulesFingerprint(platformRules(amazon.platform?.(amazon.params.parse({}))))
    expect(expected).toEqual({
      session_kind: 'search',
      price_first: 'no',
      retail_markup: '1',
      referral: 'clothing 5%/10%/17%, electronics 8%, others 15%',
      fulfilment: '$5.06/$6.56',
      delivery: '2 days',
    })
    expect(readManifest(amazons).rules).toEqual([
      { algorithm: 'relevance', variant: '', from: 'amazon', rules: expected },
    ])
    // Other rules, other results: the cells' hashes differ, and so do the fees.
    expect(readManifest(amazons).plan.hash).not.toBe(readManifest(own).plan.hash)
    const [mine, theirs] = [own, amazons].map((dir) => readCsvRows(join(dir, 'summary.csv'))[0])
    expect(Number(theirs.take_rate)).toBeGreaterThan(Number(mine.take_rate))
    const fees = (dir: string) => readCsvRows(join(dir, 'sellers.csv')).reduce((t, s) => t + Number(s.fees), 0)
    expect(fees(amazons)).toBeGreaterThan(fees(own))
  })

  it('refuses an unknown algorithm in one line naming the known ones, exit 2', () => {
    const r = bench([...PLAN, '--same-rules', 'ebay', '--out', join(work, 'ebay')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^bench: --same-rules ebay: unknown algorithm; known: aliexpress, amazon, .*relevance/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
