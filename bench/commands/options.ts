import cliProgress from 'cli-progress'
import { InvalidArgumentError, Option } from 'commander'

/** A --fail-on gate or --strict check was broken: the output was printed; exit 1 with the message on stderr. */
export class GatesFailed extends Error {}

/** A progress bar on stderr, or null when stderr is not a terminal or --quiet was given. */
export function progressBar(quiet: boolean | undefined): cliProgress.SingleBar | null {
  if (quiet || process.stderr.isTTY !== true) return null
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {value}/{total} sessions | {stage} | ETA {eta_formatted}',
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  )
}

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
export const formatOption = (...formats: [string, ...string[]]) =>
  new Option('--format <format>', `output format: ${formats.join(' or ')}`).choices(formats).default(formats[0])
