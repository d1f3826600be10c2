import { type Row, toCsv } from '../../core/csv.ts'
import { type CollectorDef, defineCollector } from '../market/stream.ts'
import { roundSellerValues, sellerValues } from './collectors/sellers.ts'
import { SELLER_ROUND_FILE_COLUMNS } from './definitions.ts'
import { SELLER_ROUND_COLUMNS, type SellerRoundInputs } from './files.ts'
import type { RowKeys } from './summarize.ts'

/**
 * A number in full: the shortest text that reads back as the same float64 (String), so that sums of
 * the rows read back are the totals' own floats; -0 as 0, integers as integers (as formatNumber).
 */
export function exactNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`refusing to write a non-finite number (${x}) to a result file`)
  return x === 0 ? '0' : String(x)
}

/**
 * seller_rounds.csv's records of one run (bench run --seller-rounds), without the header: written as
 * text round by round (a row object per seller and round would outweigh the simulation). Each round's
 * values come from roundSellerValues, the definition sellers.csv's totals sum. Activity is read at the
 * round's end, before its exits: a seller that leaves after the round was in the market during it.
 */
export function sellerRoundsCsv(keys: RowKeys): CollectorDef<string, 'activity'> {
  return defineCollector({
    name: 'seller-rounds',
    needs: ['activity'],
    create({ tables: { products, sellers }, activity }) {
      const inputs: SellerRoundInputs = { ...sellerValues(sellers.count), active: activity }
      const values = new Float64Array(SELLER_ROUND_COLUMNS.length)
      const chunks: string[] = []
      return {
        roundEnd(v) {
          roundSellerValues(products, v, inputs)
          const rows: Row[] = []
          for (let s = 0; s < sellers.count; s++) {
            let any = false
            SELLER_ROUND_COLUMNS.forEach((c, i) => {
              values[i] = c.value(inputs, s)
              any ||= values[i] !== 0
            })
            // Not in the market and nothing to say: sellers yet to enter, or gone.
            if (!any) continue
            const row: Row = { ...keys, round: v.round, seller_id: sellers.id.at(s) ?? '' }
            SELLER_ROUND_COLUMNS.forEach((c, i) => {
              row[c.name] = exactNumber(values[i])
            })
            rows.push(row)
          }
          const text = toCsv(SELLER_ROUND_FILE_COLUMNS, rows)
          chunks.push(text.slice(text.indexOf('\r\n') + 2))
        },
        result: () => chunks.join(''),
      }
    },
  })
}
