import { defineCollector } from '../../market/types.ts'

export interface OrderOutcomes {
  /** Σ over orders of true value − retail price − delivery cost (buyer_surplus). */
  surplusSum: number
  deliveryDaysSum: number
}

/** What buyers really got from each order, judged on the hidden truth (true quality and relevance). */
export const orderOutcomes = defineCollector<OrderOutcomes>({
  name: 'order-outcomes',
  create({ market, params }) {
    const { products } = market
    const out: OrderOutcomes = { surplusSum: 0, deliveryDaysSum: 0 }
    return {
      session(o) {
        const slot = o.purchasedSlot
        if (slot < 0) return
        const p = o.products[slot]
        const ref = products.refPrice[p]
        const trueValue = ref * params.buyer.valueScale * products.quality[p] * (0.5 + 0.5 * o.slotRelevance[slot])
        out.surplusSum += trueValue - o.retailPrice - params.buyer.deliveryCostPerDay * ref * o.deliveryDays
        out.deliveryDaysSum += o.deliveryDays
      },
      result: () => out,
    }
  },
})
