import { join } from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'
import { expect } from 'vitest'
import { readCsvRows } from './cli.ts'

/** The hand-made impression log of test/fixtures/log and its metrics, worked out by hand (docs/LOGS.md's example). */
export const FIXTURES = join(import.meta.dirname, '../fixtures/log')
export const LOG = join(FIXTURES, 'impressions.csv')
export const SELLERS = join(FIXTURES, 'sellers.csv')

/** A result file's cell against a hand-worked value: the files keep 8 significant digits. */
export const expectCell = (cell: string, value: number, what: string) =>
  expect(Math.abs(Number(cell) - value), `${what} = ${cell}, expected ${value}`).toBeLessThanOrEqual(
    1e-7 * Math.max(1, Math.abs(value)),
  )

/**
 * The hand-made log (test/fixtures/log): sellers A (factory, large, incumbent, active at end),
 * B (trader, small, incumbent, exited), C (brand, small, joined in round 1), D (trader, medium,
 * incumbent, never shown). Sessions: s1 (round 0) shows a1 (A, sponsored, clicked at $0.50, bought
 * at $20) then b1 (B); s2 (round 0) shows nothing; s3 (round 1) shows c1 (C, clicked, bought at
 * $10), a1 (A, sponsored, not clicked), b1 (B, clicked). Exposure weights 1/log2(r+1): w1 = 1,
 * w2 = 1/log2 3, w3 = 1/2.
 */
export const w2 = 1 / Math.log2(3)
export const E = { A: 1 + w2, B: w2 + 0.5, C: 1, D: 0 } // A: r0 pos 1 + r1 pos 2; B: r0 pos 2 + r1 pos 3; C: r1 pos 1
export const total = 2.5 + 2 * w2 // Σ exposure
export const HAND_SUMMARY: Record<string, number> = {
  sellers_active: 3, // A, C, D active at end
  // Sorted exposure 0, 1, w2 + ½, 1 + w2 with weights (2i − n − 1) = −3, −1, 1, 3 over n Σ:
  // (−1 + w2 + ½ + 3 + 3 w2) / (4 (2.5 + 2 w2)).
  gini_exposure: (2.5 + 4 * w2) / (4 * total),
  gini_revenue: (1 * 10 + 3 * 20) / (4 * 30), // revenue 0, 0, 10, 20
  top10_exposure_share: E.A / total, // ⌈4/10⌉ = 1 seller: A
  hhi_revenue: ((100 * 20) / 30) ** 2 + ((100 * 10) / 30) ** 2, // A 2/3, C 1/3
  new_seller_exposure_share: E.C / total, // C joined in round 1
  small_seller_revenue_share: 10 / 30, // B and C are small; C sold $10
  zero_ad_seller_exposure_share: (E.B + E.C) / total, // only A paid for a click
  // shoes {a1, b1} and hats {c1} have no more than 10 products: a top-10 list keeps them whatever the ranking
  // does, so rank_persistence has no category to judge (empty) and leaves both out.
  rank_persistence_excluded_categories: 2,
  seller_survival_rate: 2 / 3, // incumbents A, B, D; B exited
  conversion_rate: 2 / 3, // 2 orders, 3 sessions (s2 showed nothing but counts)
  avg_price_paid: 30 / 2,
  // s1: DCG = 2 + 3 w2, ideal 3 + 2 w2; s3: DCG = 1 + 0 + 2 · ½, ideal 2 + w2 + 0;
  // mean over the 2 sessions that showed something.
  ndcg_at_10: ((2 + 3 * w2) / (3 + 2 * w2) + 2 / (2 + w2)) / 2,
  gmv: 30,
  ad_revenue: 0.5,
  sponsored_impression_share: 2 / 5,
  avg_cpc: 0.5 / 1,
  factory_survival_rate: 1, // A
  trader_survival_rate: 1 / 2, // B exited, D stayed
  brand_survival_rate: 0, // no incumbent brand
  factory_revenue_share_change: 0 - 1, // round 0: all revenue is A's; round 1: all C's
}
export const HAND_ROUNDS = [
  // round 0: exposure A 1, B w2: sorted 0, 0, w2, 1 → (w2 + 3) / (4 (1 + w2))
  {
    round: 0,
    gini_exposure: (w2 + 3) / (4 * (1 + w2)),
    new_seller_exposure_share: 0,
    sponsored_impression_share: 1 / 2,
    avg_cpc: 0.5,
    gmv: 20,
    avg_price_paid: 20,
    small_seller_exposure_share: w2 / (1 + w2),
  },
  // round 1: exposure A w2, B ½, C 1: sorted 0, ½, w2, 1 → (−½ + w2 + 3) / (4 (1.5 + w2))
  {
    round: 1,
    gini_exposure: (2.5 + w2) / (4 * (1.5 + w2)),
    new_seller_exposure_share: 1 / (1.5 + w2),
    sponsored_impression_share: 1 / 3,
    avg_cpc: 0,
    gmv: 10,
    avg_price_paid: 10,
    small_seller_exposure_share: 1.5 / (1.5 + w2),
  },
]
export const EMPTY_SUMMARY = [
  'exposure_merit_tvd',
  'median_seller_margin',
  'buyer_surplus',
  'avg_delivery_days',
  'commission_revenue',
  'take_rate',
  'declared_price_change',
  'cheapest_offer_exposure_share',
  'flagged_listing_exposure_share',
  'outside_haul_box_impression_share',
  'declared_price_composition_effect',
  'rank_persistence',
  'repriced_offers',
  'repriced_offer_share',
  'mean_repricing_ratio',
  'max_repricing_ratio',
]

/** The hand-made log as Parquet, with the types a warehouse export would use. */
export function handParquet(file: string, change?: (rows: Record<string, string>[]) => void): void {
  const rows = readCsvRows(LOG)
  change?.(rows)
  const num = (c: string) => rows.map((r) => (r[c] === '' ? null : Number(r[c])))
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'session_id', data: rows.map((r) => r.session_id), type: 'STRING' },
      { name: 'round', data: num('round'), type: 'INT32' },
      { name: 'position', data: num('position'), type: 'INT32' },
      ...['product_id', 'seller_id', 'category', 'query_id'].map((c) => ({
        name: c,
        data: rows.map((r) => r[c] || null),
        type: 'STRING' as const,
      })),
      ...['sponsored', 'clicked', 'purchased'].map((c) => ({
        name: c,
        data: rows.map((r) => r[c] === '1'),
        type: 'BOOLEAN' as const,
      })),
      ...['price', 'cpc', 'relevance'].map((c) => ({ name: c, data: num(c), type: 'DOUBLE' as const })),
      { name: 'user_agent', data: rows.map(() => 'not read'), type: 'STRING' }, // an extra column is ignored
    ],
    rowGroupSize: 4,
  })
}
