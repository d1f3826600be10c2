import { bidding } from './bidding.ts'
import type { SellerForceFactory } from './force.ts'
import { lifeCycle } from './life-cycle.ts'
import { feePricing, priceCompetition } from './pricing.ts'

/** The sellers' behaviours, in the order the round loop calls them (each names itself). */
export const SELLER_FORCES: readonly SellerForceFactory[] = [feePricing, lifeCycle, bidding, priceCompetition]
