import { InvalidArgumentError, Option } from '@commander-js/extra-typings'

// Parsers of command-line values, shared by every command: a bad value is refused by commander with
// the option named and what was expected.

export function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1')
  return n
}

export function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0')
  return n
}

/** A share strictly between 0 and 1. */
export function fraction(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n >= 1)
    throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.3')
  return n
}

/** A number ≥ 1 (a weight cap, a factor). */
export function atLeastOne(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError('expected a number ≥ 1')
  return n
}

/** For repeatable options: each occurrence appended. */
export const collect = (value: string, previous: string[]) => [...previous, value]

/** A comma-separated list; an empty entry (`a,,b`, `,`) is refused rather than dropped. */
export function list(value: string): string[] {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => s === ''))
    throw new InvalidArgumentError('expected a comma-separated list of names, none empty')
  return items
}

/** `--format <format>`: one of the given names, the first the default. */
export const formatOption = <const F extends readonly [string, ...string[]]>(...formats: F) =>
  new Option('--format <format>', `output format: ${formats.join(' or ')}`).choices(formats).default(formats[0])
