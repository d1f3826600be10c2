import type { Department } from '../../datasets/catalog.ts'
import type { PlatformRules } from './contract.ts'

/** A flat 15% referral fee: the common headline rate, used by platforms that declare nothing (assumption). */
export const FLAT_REFERRAL_RATE = 0.15

/** What the engine applies for a plugin that declares no platform rules: a neutral search marketplace. */
export const DEFAULT_RULES: PlatformRules = {
  sessionKind: 'search',
  priceFirst: false,
  retailMarkup: 1,
  referralRate: () => FLAT_REFERRAL_RATE,
  fulfilmentFee: () => 0,
}

export function platformRules(declared: Partial<PlatformRules> | undefined): PlatformRules {
  return { ...DEFAULT_RULES, ...declared }
}

/**
 * Amazon's referral fee by department and price. Clothing since January 2024: 5% under $15,
 * 10% from $15 to $20, 17% above (fact F13, seed 000). Electronics 8% and 15% elsewhere follow
 * Amazon's public schedule (assumption: simplified to one rate per department).
 */
export function amazonReferralRate(department: Department, retailPrice: number): number {
  if (department === 'clothing') return retailPrice < 15 ? 0.05 : retailPrice <= 20 ? 0.1 : 0.17
  if (department === 'electronics') return 0.08
  return 0.15
}

/**
 * Fulfilment-by-Amazon fee per unit for sellers shipping from a local warehouse: a base fee plus a
 * per-pound charge (assumption, shaped like the public FBA table). Cross-border sellers ship
 * themselves: no fee, slower delivery.
 */
export function amazonFulfilmentFee(weightLb: number, localWarehouse: boolean): number {
  if (!localWarehouse) return 0
  return 3.5 + 0.6 * Math.max(0, weightLb - 0.5)
}
