import { describe, expect, it } from 'vitest'
import { amazonFulfilmentFee, amazonReferralRate, DEFAULT_RULES, platformRules } from '../algorithms/kit/fees.ts'

describe('fee schedules', () => {
  it(
    "amazon's clothing referral brackets since 2024: 5% under $15, 10% from $15 to $20, " + '17% above (F13, seed 000)',
    () => {
      expect(amazonReferralRate('clothing', 9.99)).toBe(0.05)
      expect(amazonReferralRate('clothing', 14.99)).toBe(0.05)
      expect(amazonReferralRate('clothing', 15)).toBe(0.1)
      expect(amazonReferralRate('clothing', 20)).toBe(0.1)
      expect(amazonReferralRate('clothing', 20.01)).toBe(0.17)
      expect(amazonReferralRate('electronics', 10)).toBe(0.08)
      expect(amazonReferralRate('toys', 10)).toBe(0.15)
    },
  )
  it(
    'per-unit fees: FBA $3.22 + $1.00/lb above half a pound, $0.50 storage, ' +
      '$0.35 inbound placement, $0.99 per item',
    () => {
      expect(amazonFulfilmentFee(0.5)).toBeCloseTo(5.06, 12)
      expect(amazonFulfilmentFee(2.5)).toBeCloseTo(3.22 + 1 * 2 + 0.5 + 0.35 + 0.99, 12)
    },
  )
  it('a plugin that declares nothing gets a neutral search marketplace', () => {
    const rules = platformRules(undefined)
    const { referralRate, fulfilmentFee, deliveryDays, ...values } = DEFAULT_RULES
    expect(rules).toMatchObject(values)
    expect(rules.referralRate('home', 10)).toBe(referralRate('home', 10))
    expect(rules.fulfilmentFee(2, true)).toBe(fulfilmentFee(2, true))
    expect(rules.deliveryDays(3, false)).toBe(deliveryDays(3, false))
    expect(platformRules({ retailMarkup: 1.5 }).retailMarkup).toBe(1.5)
  })
  it("refuses rules the engine could not use, and every answer that is not a finite number in the rule's range", () => {
    expect(() => platformRules({ sessionKind: 'browse' as never })).toThrowError(
      /sessionKind "browse": expected "search" or "feed"/,
    )
    expect(() => platformRules({ retailMarkup: 0 })).toThrowError(/retailMarkup 0: expected a number > 0/)
    const odd = platformRules({ referralRate: () => 1.5, fulfilmentFee: () => Number.NaN, deliveryDays: () => -1 })
    expect(() => odd.referralRate('home', 10)).toThrowError(/referralRate\(home, 10\) returned 1\.5: expected a share/)
    expect(() => odd.fulfilmentFee(1, true)).toThrowError(/fulfilmentFee\(1, true\) returned NaN/)
    expect(() => odd.deliveryDays(3, true)).toThrowError(/deliveryDays\(3, true\) returned -1/)
  })
})
