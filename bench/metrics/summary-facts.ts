import { listingOutcomes } from './collectors/listing-outcomes.ts'
import { archetypeRevenue, declaredPrices } from './collectors/market-trends.ts'
import { listedPerCategory, TOP_PER_CATEGORY } from './collectors/persistence.ts'
import { repricingOf, startPrices } from './collectors/repricing.ts'
import { persistenceExcludedCategories, rate, ratio, sum } from './functions.ts'
import { type MetricInputs, metric, type SummaryMetric } from './registry.ts'

/** The Δ of rank_persistence. */
export const PERSISTENCE_DELTA = 10

/** seller_survival_rate over the incumbents (join round 0), of one archetype when given. */
export function survival(r: MetricInputs<'joinRound' | 'activeAtEnd'>, only?: { archetype: Uint8Array; is: number }) {
  let start = 0
  let end = 0
  for (let s = 0; s < r.tables.sellers.count; s++) {
    if (r.joinRound[s] !== 0 || (only && only.archetype[s] !== only.is)) continue
    start++
    end += r.activeAtEnd[s]
  }
  return rate(end, start)
}
const relativeChange = (from: number, to: number) => rate(to - from, from)
const factoryShare = (revenueByArchetype: Float64Array) => ratio(revenueByArchetype[0], sum(revenueByArchetype))
const prices = (r: MetricInputs<'catalog'>) => r.get(declaredPrices)
const repricing = (r: MetricInputs<'catalog'>) => repricingOf(r.catalog.asGenerated.products.price, r.get(startPrices))
const survivalOf = (name: string, plural: string, is: number) =>
  metric(
    `${name}_survival_rate`,
    'sellers',
    'higher',
    `seller_survival_rate among ${plural}; empty when there are none at round 0.`,
    { needs: ['joinRound', 'activeAtEnd', 'archetype'] },
    (r) => survival(r, { archetype: r.archetype, is }),
  )

/**
 * Beyond the design's list: the numbers the stylized facts (seeds/facts.json) are checked on, and
 * what the sellers' fee pricing (market.feePricing) did before round 0.
 */
export const FACT_METRICS: readonly SummaryMetric[] = [
  survivalOf('factory', 'factories', 0),
  survivalOf('trader', 'traders', 1),
  survivalOf('brand', 'brands', 2),
  metric(
    'factory_revenue_share_change',
    'sellers',
    'neither',
    "Factories' share of seller revenue in the last round minus their share in the first round (0 when a round " +
      'has no revenue).',
    { uses: [archetypeRevenue] },
    (r) =>
      factoryShare(r.get(archetypeRevenue).lastRoundRevenue) - factoryShare(r.get(archetypeRevenue).firstRoundRevenue),
  ),
  metric(
    'declared_price_change',
    'sellers',
    'neither',
    'Over the offers listed both before the first round and at the end of the last (stayers): (mean declared ' +
      'price at the end − mean before the first round) / the latter. Entry and exit do not move it (see ' +
      'declared_price_composition_effect); empty when no offer stays.',
    { uses: [declaredPrices] },
    (r) => relativeChange(prices(r).stayersStartMean, prices(r).stayersEndMean),
  ),
  metric(
    'cheapest_offer_exposure_share',
    'platform',
    'neither',
    "Over rounds, in identical-product groups with at least two listed offers: Σ exposure of the group's " +
      'cheapest offer (by declared price during the round) / Σ exposure of the group; empty without such exposure.',
    { uses: [listingOutcomes] },
    (r) => rate(r.get(listingOutcomes).cheapestOfferExposure, r.get(listingOutcomes).contestedGroupExposure),
  ),
  metric(
    'flagged_listing_exposure_share',
    'platform',
    'neither',
    'Exposure share of listings whose price on another platform is below their retail price here (what price ' +
      'parity flags); empty without exposure.',
    { uses: [listingOutcomes] },
    (r) => rate(r.get(listingOutcomes).flaggedExposure, r.get(listingOutcomes).exposure),
  ),
  metric(
    'outside_haul_box_impression_share',
    'platform',
    'neither',
    "Share of impressions of items outside Amazon Haul's box: retail ≥ maxPrice, or a known weight ≥ maxWeightLb " +
      "(the run's plugin parameters when it has them, as amazon-haul does; else $20 and 1 lb). An item of unknown " +
      'weight is outside only by its price. Empty without impressions.',
    { uses: [listingOutcomes] },
    (r) => rate(r.get(listingOutcomes).outsideHaulBoxImpressions, r.totals.impressions),
  ),
  metric(
    'declared_price_composition_effect',
    'sellers',
    'neither',
    'How much entry and exit move the mean declared price beyond declared_price_change: (mean over offers listed ' +
      'at the end − mean over offers listed before the first round) / the latter, minus declared_price_change; ' +
      'empty when either is.',
    { uses: [declaredPrices] },
    (r) =>
      relativeChange(prices(r).listedStartMean, prices(r).listedEndMean) -
      relativeChange(prices(r).stayersStartMean, prices(r).stayersEndMean),
  ),
  metric(
    'rank_persistence_excluded_categories',
    'sellers',
    'neither',
    'Categories with products that rank_persistence leaves out: in no pair of rounds t, t + Δ did they have more ' +
      'than 10 listed products in both.',
    { uses: [listedPerCategory] },
    (r) => {
      const { start, count } = r.tables.categories
      return persistenceExcludedCategories(
        r.get(listedPerCategory),
        TOP_PER_CATEGORY,
        PERSISTENCE_DELTA,
        Array.from({ length: count }, (_, c) => start[c + 1] - start[c]),
      )
    },
  ),
  metric(
    'repriced_offers',
    'sellers',
    'neither',
    "Offers whose declared price the sellers raised before round 0 to cover the platform's fees: catalog price < " +
      'floor = (unit cost × (1 + minMargin of the archetype) + fulfilment fee) / (1 − referral rate), raised to ' +
      'the floor rounded up to the cent. 0 with market.feePricing off.',
    { uses: [startPrices] },
    (r) => repricing(r).repriced,
  ),
  metric(
    'repriced_offer_share',
    'sellers',
    'neither',
    'repriced_offers / all offers of the catalog.',
    { uses: [startPrices] },
    (r) => rate(repricing(r).repriced, repricing(r).offers),
  ),
  metric(
    'mean_repricing_ratio',
    'sellers',
    'neither',
    'Mean over repriced offers of declared price at the start / catalog price; 1 when no offer was repriced.',
    { uses: [startPrices] },
    (r) => repricing(r).meanRatio,
  ),
  metric(
    'max_repricing_ratio',
    'sellers',
    'neither',
    'Largest declared price at the start / catalog price over all offers; 1 when no offer was repriced.',
    { uses: [startPrices] },
    (r) => repricing(r).maxRatio,
  ),
]
