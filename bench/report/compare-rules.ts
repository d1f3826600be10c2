import { type ComparisonRow, letter } from './compare.ts'
import type { Pair } from './compare-match.ts'
import { type ResultInput, runName } from './inputs.ts'

/**
 * What differs between two compared runs besides the ranking: the platform rules each ran under
 * (fees, markup, session kind, price-first repricing, delivery), as `bench run` probed them into
 * manifest.json. A plugin without platform() runs under neutral rules, so "my ranker vs amazon"
 * also compares fee schedules; this says so, and names the way to compare the ranking alone.
 */

/** The rule keys on which two runs differ; null when either run's rules are unknown (an older manifest, a log). */
export function rulesDiffer(pair: Pair): string[] | null {
  const [a, b] = [pair.base.group.rules, pair.cand.group.rules]
  if (!a || !b) return null
  return [...new Set([...Object.keys(a.rules), ...Object.keys(b.rules)])].filter((k) => a.rules[k] !== b.rules[k])
}

const whose = (from: string) => (from === 'default' ? 'no platform rules (neutral defaults)' : `${from}'s rules`)

/**
 * One line per pair of runs whose rules differ: the differing rules with both values, and how to
 * hold them equal. Marks each affected row.
 */
export function comparabilityLines(
  inputs: ResultInput[],
  pairs: Pair[],
  rowsOf: (pair: Pair) => ComparisonRow[],
): string[] {
  const lines = new Set<string>()
  const lettered = inputs.length > 1
  const name = (x: Pair['base']) => `${lettered ? `${letter(x.input)}:` : ''}${runName(x.group)}`
  for (const pair of pairs) {
    const keys = rulesDiffer(pair)
    if (!keys?.length) continue
    for (const row of rowsOf(pair)) row.rulesDiffer = keys
    const [a, b] = [pair.base.group.rules!, pair.cand.group.rules!]
    const what = keys.map((k) => `${k.replace(/_/g, ' ')} ${b.rules[k] ?? '–'} vs ${a.rules[k] ?? '–'}`).join('; ')
    // Hold the rules equal on the side that has none of its own, else on the candidate's.
    const [rerun, rules] =
      a.from === 'default' ? [pair.base.group.algorithm, b.from] : [pair.cand.group.algorithm, a.from]
    const sameRanking = pair.base.group.algorithm === pair.cand.group.algorithm
    lines.add(
      `platform rules differ: ${name(pair.cand)} ran under ${whose(b.from)}, ${name(pair.base)} under ` +
        `${whose(a.from)} (${what}), ` +
        (sameRanking
          ? 'with the same ranking: every difference below is the rules'
          : `so fees, prices and GMV also measure the rules; to compare the ranking alone, run ${rerun} with ` +
            `--same-rules ${rules}`),
    )
  }
  return [...lines]
}
