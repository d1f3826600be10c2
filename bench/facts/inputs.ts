import { HAUL_MAX_PRICE } from '../../algorithms/kit/fees.ts'
import { type Catalog, indexByKey } from '../../core/catalog.ts'
import { TOP_PER_CATEGORY } from '../metrics/collectors/persistence.ts'

/**
 * What a market must hold for a metric to say anything about a fact. A real catalog often lacks
 * some (no ad budgets, no entrants, no prices elsewhere): a fact that reads such a metric is not
 * applicable there, rather than failed.
 */
const incumbentsOf =
  (archetype: number) =>
  ({ sellers }: Catalog) =>
    sellers.archetype.some((a, s) => a === archetype && sellers.joinRound[s] === 0)
export const CATALOG_INPUTS: Record<string, (c: Catalog) => boolean> = {
  'ad budgets': ({ sellers }) => sellers.adBudget.some((b) => b > 0),
  entrants: ({ sellers }) => sellers.joinRound.some((r) => r > 0),
  'cross-border sellers': ({ sellers }) => sellers.origin.some((o) => o === 0),
  'prices elsewhere': ({ products }) => products.priceElsewhere.some((x, p) => x !== products.price[p]),
  'identical offers': ({ products, groupCount }) => {
    const { start } = indexByKey(groupCount, products.group)
    return start.some((from, g) => g < groupCount && start[g + 1] - from >= 2)
  },
  // Haul's storefront shows only items under $20: a catalog of dearer goods gives it nothing to show.
  [`items under $${HAUL_MAX_PRICE}`]: ({ products }) => products.price.some((price) => price < HAUL_MAX_PRICE),
  factories: incumbentsOf(0),
  traders: incumbentsOf(1),
  brands: incumbentsOf(2),
  [`categories of more than ${TOP_PER_CATEGORY} products`]: ({ categories }) =>
    categories.start.some((from, c) => c < categories.count && categories.start[c + 1] - from > TOP_PER_CATEGORY),
}
export type CatalogInput = keyof typeof CATALOG_INPUTS

/** The inputs each summary metric needs to mean anything; metrics not listed need none beyond a market. */
export const METRIC_NEEDS: Readonly<Record<string, readonly CatalogInput[]>> = {
  sponsored_impression_share: ['ad budgets'],
  zero_ad_seller_exposure_share: ['ad budgets'],
  ad_revenue: ['ad budgets'],
  avg_cpc: ['ad budgets'],
  new_seller_exposure_share: ['entrants'],
  flagged_listing_exposure_share: ['prices elsewhere'],
  cheapest_offer_exposure_share: ['identical offers'],
  // Price-first sellers cut prices only when they lose their identical-product group.
  declared_price_change: ['identical offers'],
  factory_survival_rate: ['factories'],
  trader_survival_rate: ['traders'],
  brand_survival_rate: ['brands'],
  factory_revenue_share_change: ['factories'],
  // Platforms that pass on the seller's own delivery time differ from Amazon's only by cross-border sellers.
  avg_delivery_days: ['cross-border sellers'],
  rank_persistence: [`categories of more than ${TOP_PER_CATEGORY} products`],
  outside_haul_box_impression_share: [`items under $${HAUL_MAX_PRICE}`],
}

/** The inputs a catalog lacks, in CATALOG_INPUTS order. */
export function missingInputs(catalog: Catalog): Set<CatalogInput> {
  return new Set(
    Object.entries(CATALOG_INPUTS)
      .filter(([, has]) => !has(catalog))
      .map(([name]) => name),
  )
}
