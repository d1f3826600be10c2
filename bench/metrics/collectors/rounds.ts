import { defineCollector, type RoundTotals } from '../../market/stream.ts'
import { sumBySeller } from './sellers.ts'

/** One round's record: its number, totals and each seller's exposure. */
export interface RoundRecord {
  round: number
  totals: RoundTotals
  sellerExposure: Float64Array
}

/**
 * rounds.csv's inputs: a record per round the source had (its per-seller exposure is the per-round
 * history, kept only when a run asks for rounds.csv).
 */
export const roundHistory = defineCollector({
  name: 'round-history',
  create({ tables: { products, sellers } }) {
    const records: RoundRecord[] = []
    return {
      roundEnd(v) {
        const sellerExposure = new Float64Array(sellers.count)
        sumBySeller(products, v.exposure, sellerExposure)
        records.push({ round: v.round, totals: { ...v.totals }, sellerExposure })
      },
      result: () => records,
    }
  },
})

/** Sellers active at the end of each round (after the round's exits), by round number. */
export const activeSellers = defineCollector({
  name: 'active-sellers',
  needs: ['activity'],
  create({ activity }) {
    const byRound: number[] = []
    return {
      roundClosed(v) {
        let active = 0
        for (let s = 0; s < activity.length; s++) active += activity[s]
        byRound[v.round] = active
      },
      result: () => byRound,
    }
  },
})
