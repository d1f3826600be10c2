import { defineCollector } from '../../market/stream.ts'

/**
 * Σ over orders of what the buyer really got: true value − retail price − delivery cost (buyer_surplus),
 * judged on the hidden truth (true quality and relevance).
 */
export const buyerSurplus = defineCollector({
  name: 'buyer-surplus',
  needs: ['truth', 'delivery'],
  create({ truth: { quality, refPrice, buyer } }) {
    let surplusSum = 0
    return {
      session(o) {
        const slot = o.purchasedSlot
        if (slot < 0) return
        const p = o.products[slot]
        const ref = refPrice[p]
        const trueValue = ref * buyer.valueScale * quality[p] * (0.5 + 0.5 * o.slotRelevance[slot])
        surplusSum += trueValue - o.retailPrice - buyer.deliveryCostPerDay * ref * o.deliveryDays
      },
      result: () => surplusSum,
    }
  },
})

/** Σ delivery days over orders (avg_delivery_days). */
export const deliveryDays = defineCollector({
  name: 'delivery-days',
  needs: ['delivery'],
  create() {
    let daysSum = 0
    return {
      session(o) {
        if (o.purchasedSlot >= 0) daysSum += o.deliveryDays
      },
      result: () => daysSum,
    }
  },
})
