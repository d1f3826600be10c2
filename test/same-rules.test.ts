import { describe, expect, it } from 'vitest'
import { platformRules } from '../algorithms/kit/fees.ts'
import { rulesFingerprint } from '../algorithms/kit/rules-fingerprint.ts'

describe('rulesFingerprint (algorithms/kit/rules-fingerprint.ts)', () => {
  it('writes probes once when they agree, and local and cross-border apart when they differ', () => {
    const rules = platformRules({
      sessionKind: 'feed',
      priceFirst: true,
      retailMarkup: 1.3,
      referralRate: (department, price) => (department === 'toys' ? (price < 15 ? 0.05 : 0.1) : 0.12),
      fulfilmentFee: (lb, local) => (local ? 0 : lb < 1 ? 2 : 3.456),
      deliveryDays: (days, local) => (local ? 2 : days + 5),
    })
    expect(rulesFingerprint(rules)).toEqual({
      session_kind: 'feed',
      price_first: 'yes',
      retail_markup: '1.3',
      referral: 'toys 5%/10%/10%, others 12%',
      fulfilment: '$0 local, $2.00/$3.46 cross-border',
      delivery: '2 days local, 8/15 days cross-border',
    })
  })
})
