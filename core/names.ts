import { z } from 'zod'

/**
 * A scenario's name is a name, not a path: it becomes part of the default results folder
 * (results/NAME-TIMESTAMP) and a cell of every result file, so no slashes, no "..", and it starts
 * with a letter or digit (never a spreadsheet formula character).
 */
export const ScenarioNameSchema = z
  .string()
  .max(80, 'at most 80 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/,
    'a name of letters, digits and _ . + - starting with a letter or digit (no spaces or slashes)',
  )
  .refine((name) => !name.includes('..'), 'a name without ".."')

/**
 * A key whose text order is natural order: each run of digits becomes its length (as one character)
 * followed by the digits without leading zeros, so p2 < p10 < q1.
 */
export function naturalKey(id: string): string {
  return id.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, '')
    return String.fromCharCode(0x30 + digits.length) + digits
  })
}
