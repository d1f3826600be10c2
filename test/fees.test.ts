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
    expect(rules).toEqual(DEFAULT_RULES)
    expect(rules.referralRate('home', 10)).toBe(0.15)
    expect(platformRules({ retailMarkup: 1.5 }).retailMarkup).toBe(1.5)
  })
})
