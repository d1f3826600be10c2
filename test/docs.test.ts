import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RENDERED_DOCS } from '../bench/docs/index.ts'
import { SUMMARY_COLUMNS, THROUGHPUT_COLUMNS } from '../bench/metrics/definitions.ts'

describe('metric definitions', () => {
  it('bench/METRICS.md and docs/FACTS.md are rendered from the registry and seeds/facts.json (npm run docs)', () => {
    for (const { file, render } of RENDERED_DOCS) expect(readFileSync(file, 'utf8'), file).toBe(render())
  })
  it(
    'summary.csv and throughput.csv have the design columns, in its order, ' +
      "with the sweep variant after algorithm and the facts' columns after",
    () => {
      expect(SUMMARY_COLUMNS.join(',')).toBe(
        'algorithm,variant,scenario,seed,sellers_active,gini_exposure,gini_revenue,top10_exposure_share,' +
          'hhi_revenue,new_seller_exposure_share,small_seller_revenue_share,zero_ad_seller_exposure_share,' +
          'exposure_merit_tvd,rank_persistence,seller_survival_rate,median_seller_margin,conversion_rate,' +
          'avg_price_paid,buyer_surplus,ndcg_at_10,avg_delivery_days,gmv,ad_revenue,commission_revenue,' +
          'take_rate,sponsored_impression_share,avg_cpc,factory_survival_rate,trader_survival_rate,' +
          'brand_survival_rate,factory_revenue_share_change,declared_price_change,cheapest_offer_exposure_share,' +
          'flagged_listing_exposure_share,outside_haul_box_impression_share,declared_price_composition_effect,' +
          'rank_persistence_excluded_categories,repriced_offers,repriced_offer_share,mean_repricing_ratio,' +
          'max_repricing_ratio',
      )
      expect(THROUGHPUT_COLUMNS.join(',')).toBe(
        'algorithm,variant,scenario,seed,repeat,sessions_per_sec,rank_ops_per_sec,rank_p50_us,rank_p99_us,' +
          'peak_memory_mb',
      )
    },
  )
})
