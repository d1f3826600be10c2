import { defineCollector, type RoundTotals } from '../../market/types.ts'

/** One round's record: its totals, seller exposure and sellers active at its end. */
export interface RoundRecord {
  totals: RoundTotals
  sellerExposure: Float64Array
  sellersActive: number
}

/**
 * rounds.csv's inputs: a record per round (its per-seller exposure is the per-round history, kept only when a run asks
 * for rounds.csv).
 */
export const roundHistory = defineCollector<RoundRecord[]>({
  name: 'round-history',
  create({ market }) {
    const records: RoundRecord[] = []
    const { products, sellers } = market
    return {
      roundEnd(v) {
        const sellerExposure = new Float64Array(sellers.count)
        for (let i = 0; i < products.count; i++) sellerExposure[products.seller[i]] += v.exposure[i]
        records.push({ totals: { ...v.totals }, sellerExposure, sellersActive: 0 })
      },
      roundClosed() {
        let active = 0
        for (let s = 0; s < sellers.count; s++) active += sellers.active[s]
        records[records.length - 1].sellersActive = active
      },
      result: () => records,
    }
  },
})
