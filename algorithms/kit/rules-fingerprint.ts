import { DEPARTMENTS } from '../../core/catalog.ts'
import type { PlatformRules } from './contract.ts'

/** Retail prices the referral rate is probed at: under, inside and above Amazon's clothing brackets ($15, $20). */
export const REFERRAL_PROBE_PRICES = [10, 18, 40] as const
/** Weights (lb) the fulfilment fee is probed at: the base fee and one with a weight surcharge. */
export const FULFILMENT_PROBE_LB = [0.5, 2] as const
/** Seller delivery days the platform's delivery is probed at: a local seller's and a slow cross-border one's. */
export const DELIVERY_PROBE_DAYS = [3, 10] as const

/** A rules fingerprint: the resolved rules as text, by key (manifest.json `rules`; bench compare reads it). */
export type RulesFingerprint = Record<
  'session_kind' | 'price_first' | 'retail_markup' | 'referral' | 'fulfilment' | 'delivery',
  string
>

/** Trims float noise (0.15 × 100 = 15.000000000000002) without hiding a real difference. */
const plain = (x: number) => String(Number(x.toPrecision(10)))
const percent = (rate: number) => `${plain(rate * 100)}%`
const money = (x: number) => (x === 0 ? '$0' : `$${x.toFixed(2)}`)

/** Probes that agree are written once; otherwise all of them, slash-separated. */
const probes = (values: readonly string[]) => (values.every((v) => v === values[0]) ? values[0] : values.join('/'))

/** The local and cross-border probes, once when they agree. */
const sides = (local: string, crossBorder: string) =>
  local === crossBorder ? local : `${local} local, ${crossBorder} cross-border`

/**
 * The referral rate by department: one rate when every department's probes agree, else the departments
 * that differ from the most common rate (in catalog order), then `others` at it.
 */
function referral(rules: PlatformRules): string {
  const byDepartment = DEPARTMENTS.map((d) =>
    probes(REFERRAL_PROBE_PRICES.map((p) => percent(rules.referralRate(d, p)))),
  )
  const counts = new Map<string, number>()
  for (const rate of byDepartment) counts.set(rate, (counts.get(rate) ?? 0) + 1)
  const common = [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0]
  if (counts.size === 1) return common
  const own = DEPARTMENTS.flatMap((d, i) => (byDepartment[i] === common ? [] : [`${d} ${byDepartment[i]}`]))
  return [...own, `others ${common}`].join(', ')
}

/**
 * Platform rules in words, probed: the functions of PlatformRules cannot be compared, their values
 * at fixed points can. Two runs with the same fingerprint charge the same at these points.
 */
export function rulesFingerprint(rules: PlatformRules): RulesFingerprint {
  const fees = (local: boolean) => FULFILMENT_PROBE_LB.map((lb) => rules.fulfilmentFee(lb, local))
  const [local, crossBorder] = [fees(true), fees(false)]
  const fulfilment = [...local, ...crossBorder].every((x) => x === 0)
    ? '$0'
    : sides(probes(local.map(money)), probes(crossBorder.map(money)))
  const days = (local: boolean) => `${probes(DELIVERY_PROBE_DAYS.map((d) => plain(rules.deliveryDays(d, local))))} days`
  return {
    session_kind: rules.sessionKind,
    price_first: rules.priceFirst ? 'yes' : 'no',
    retail_markup: plain(rules.retailMarkup),
    referral: referral(rules),
    fulfilment,
    delivery: sides(days(true), days(false)),
  }
}
