import { ARCHETYPES, SIZE_TIERS, type Catalog } from '../../datasets/catalog.ts'
import { TOP_PER_CATEGORY, type RunOutcome } from '../market/engine.ts'
import { gini, hhi, median, rankPersistence, ratio, shareOf, sum, topShare, totalVariationDistance } from './functions.ts'

/** The Δ of rank_persistence (METRICS.md). */
export const PERSISTENCE_DELTA = 10

export interface RowKeys {
  algorithm: string
  variant: string
  scenario: string
  seed: number
}
export type Row = Record<string, string | number>

/** summary.csv's row for one run, column for column as bench/metrics/definitions.ts defines them. */
export function summaryRow(keys: RowKeys, o: RunOutcome, catalog: Catalog): Row {
  const { sellers } = catalog
  const survival = (archetype: number) => {
    let start = 0
    let end = 0
    for (let s = 0; s < sellers.count; s++) {
      if (sellers.joinRound[s] !== 0 || sellers.archetype[s] !== archetype) continue
      start++
      end += o.activeAtEnd[s]
    }
    return ratio(end, start)
  }
  const factoryShare = (r: RunOutcome['rounds'][number]) => ratio(r.revenueByArchetype[0], sum(r.revenueByArchetype))
  const first = o.rounds[0]
  const last = o.rounds[o.rounds.length - 1]
  const exposure = o.sellers.exposure
  const revenue = o.sellers.revenue
  const margins: number[] = []
  for (let s = 0; s < sellers.count; s++) if (revenue[s] > 0) margins.push(o.sellers.profit[s] / revenue[s])
  let incumbents = 0
  let survivors = 0
  for (let s = 0; s < sellers.count; s++) {
    if (sellers.joinRound[s] !== 0) continue
    incumbents++
    survivors += o.activeAtEnd[s]
  }
  return {
    ...keys,
    sellers_active: sum(o.activeAtEnd),
    gini_exposure: gini(exposure),
    gini_revenue: gini(revenue),
    top10_exposure_share: topShare(exposure, 0.1),
    hhi_revenue: hhi(revenue),
    new_seller_exposure_share: shareOf(exposure, (s) => sellers.joinRound[s] > 0),
    small_seller_revenue_share: shareOf(revenue, (s) => sellers.sizeTier[s] === 0),
    zero_ad_seller_exposure_share: shareOf(exposure, (s) => o.sellers.adSpend[s] === 0),
    exposure_merit_tvd: totalVariationDistance(exposure, o.sellers.merit),
    rank_persistence: rankPersistence(o.rounds.map((r) => r.topProducts), TOP_PER_CATEGORY, PERSISTENCE_DELTA),
    seller_survival_rate: ratio(survivors, incumbents),
    median_seller_margin: median(margins),
    conversion_rate: ratio(o.orders, o.sessions),
    avg_price_paid: ratio(o.gmv, o.orders),
    buyer_surplus: ratio(o.surplusSum, o.sessions),
    ndcg_at_10: ratio(o.ndcgSum, o.rankedSessions),
    avg_delivery_days: ratio(o.deliveryDaysSum, o.orders),
    gmv: o.gmv,
    ad_revenue: o.adRevenue,
    commission_revenue: o.commission,
    take_rate: ratio(o.commission + o.fulfilmentFees + o.adRevenue, o.gmv),
    sponsored_impression_share: ratio(o.sponsoredImpressions, o.impressions),
    avg_cpc: ratio(o.adRevenue, o.sponsoredClicks),
    factory_survival_rate: survival(0),
    trader_survival_rate: survival(1),
    brand_survival_rate: survival(2),
    factory_revenue_share_change: factoryShare(last) - factoryShare(first),
    declared_price_change: ratio(last.meanDeclaredPrice - o.startMeanDeclaredPrice, o.startMeanDeclaredPrice),
    cheapest_offer_exposure_share: ratio(o.cheapestOfferExposure, o.contestedGroupExposure),
    flagged_listing_exposure_share: ratio(o.flaggedExposure, o.exposure),
    outside_haul_box_impression_share: ratio(o.outsideHaulBoxImpressions, o.impressions),
  }
}

export function roundRows(keys: RowKeys, o: RunOutcome, catalog: Catalog): Row[] {
  const { sellers } = catalog
  return o.rounds.map((r, round) => ({
    ...keys,
    round,
    gini_exposure: gini(r.sellerExposure),
    new_seller_exposure_share: shareOf(r.sellerExposure, (s) => sellers.joinRound[s] > 0),
    sponsored_impression_share: ratio(r.sponsoredImpressions, r.impressions),
    avg_cpc: ratio(r.adRevenue, r.sponsoredClicks),
    gmv: r.gmv,
    sellers_active: r.sellersActive,
    avg_price_paid: ratio(r.gmv, r.orders),
    small_seller_exposure_share: shareOf(r.sellerExposure, (s) => sellers.sizeTier[s] === 0),
  }))
}

export function sellerRows(keys: RowKeys, o: RunOutcome, catalog: Catalog): Row[] {
  const { sellers } = catalog
  const t = o.sellers
  return Array.from({ length: sellers.count }, (_, s) => ({
    ...keys,
    seller_id: sellers.id[s],
    archetype: ARCHETYPES[sellers.archetype[s]],
    size_tier: SIZE_TIERS[sellers.sizeTier[s]],
    join_round: sellers.joinRound[s],
    exposure: t.exposure[s],
    impressions: t.impressions[s],
    clicks: t.clicks[s],
    orders: t.orders[s],
    revenue: t.revenue[s],
    ad_spend: t.adSpend[s],
    fees: t.fees[s],
    profit: t.profit[s],
    active_at_end: o.activeAtEnd[s],
  }))
}
