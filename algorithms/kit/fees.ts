import type { Department } from '../../core/catalog.ts'
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
  deliveryDays: (sellerDays) => sellerDays,
}

/**
 * A plugin's declared rules over the defaults, checked: a session kind the engine knows, a positive markup, and
 * functions whose every answer is checked as it is used (a NaN fee would otherwise turn every later sum into NaN and
 * fail the cell only when its rows are written).
 */
export function platformRules(declared: Partial<PlatformRules> | undefined): PlatformRules {
  const rules = { ...DEFAULT_RULES, ...declared }
  if (rules.sessionKind !== 'search' && rules.sessionKind !== 'feed')
    throw new Error(`platform(): sessionKind ${JSON.stringify(rules.sessionKind)}: expected "search" or "feed"`)
  if (typeof rules.priceFirst !== 'boolean')
    throw new Error(`platform(): priceFirst ${JSON.stringify(rules.priceFirst)}: expected true or false`)
  if (!(Number.isFinite(rules.retailMarkup) && rules.retailMarkup > 0))
    throw new Error(`platform(): retailMarkup ${rules.retailMarkup}: expected a number > 0`)
  // Only what the plugin declared is checked: the defaults' answers are valid by construction, and the rules run for
  // every click and order.
  return {
    ...rules,
    referralRate: declared?.referralRate
      ? checked('referralRate', declared.referralRate, (v) => v <= 1, 'a share from 0 to 1')
      : DEFAULT_RULES.referralRate,
    fulfilmentFee: declared?.fulfilmentFee
      ? checked('fulfilmentFee', declared.fulfilmentFee, () => true, 'an amount ≥ 0')
      : DEFAULT_RULES.fulfilmentFee,
    deliveryDays: declared?.deliveryDays
      ? checked('deliveryDays', declared.deliveryDays, () => true, 'a number of days ≥ 0')
      : DEFAULT_RULES.deliveryDays,
  }
}

/** A two-argument rule whose every answer must be a finite number ≥ 0 that `ok` accepts. */
function checked<A, B>(
  name: string,
  rule: (a: A, b: B) => number,
  ok: (v: number) => boolean,
  expected: string,
): (a: A, b: B) => number {
  return function (this: unknown, a: A, b: B) {
    const v = rule.call(this, a, b)
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || !ok(v))
      throw new Error(`platform().${name}(${String(a)}, ${String(b)}) returned ${String(v)}: expected ${expected}`)
    return v
  }
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
 * Amazon's per-unit fees besides referral: Fulfilment by Amazon (a $3.22 pick-and-pack fee plus
 * $1.00 per pound above half a pound, $0.50 of storage and a $0.35 inbound placement fee) and the
 * Individual selling plan's $0.99 per item sold, the plan for sellers of under 40 units a month,
 * as nearly all are in this scaled-down market (assumptions shaped like Amazon's public fee
 * tables; the Professional plan's monthly fee is not modelled). Amazon fulfils every order (FBA),
 * cross-border sellers included, as most Chinese sellers on Amazon ship their stock to its
 * warehouses (seed 000).
 */
export function amazonFulfilmentFee(weightLb: number): number {
  const weight = Number.isNaN(weightLb) ? UNKNOWN_WEIGHT_FEE_LB : weightLb
  return 3.22 + 1 * Math.max(0, weight - 0.5) + 0.5 + 0.35 + AMAZON_PER_ITEM_FEE
}

/**
 * The weight an item of unknown weight (NaN: an imported catalog without weights) is charged for:
 * half a pound, the base fee with no weight surcharge (assumption: the kit adds no fee for weight it
 * cannot see, rather than guessing a surcharge that would reprice the catalog).
 */
export const UNKNOWN_WEIGHT_FEE_LB = 0.5

/** The Individual selling plan's fee per item sold. */
export const AMAZON_PER_ITEM_FEE = 0.99

/** Amazon Haul's box: items under $20 and under 1 lb (seed 004; fact F11). */
export const HAUL_MAX_PRICE = 20
export const HAUL_MAX_WEIGHT_LB = 1

/** Amazon delivers from its own warehouses: next day to two days (seed 000, fact F12). */
export const AMAZON_DELIVERY_DAYS = 2
