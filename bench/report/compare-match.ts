import { InputError } from '../../core/errors.ts'
import type { Config } from './compare.ts'
import { describeRow, firstDifference, type ResultGroup, type ResultInput, sameConfiguration } from './inputs.ts'

/** Which rows of the inputs are compared with which: matching by input order, or against a --baseline row. */

export interface Pair {
  base: { input: number; group: ResultGroup }
  cand: { input: number; group: ResultGroup }
}

/** How inputs i and j relate, and whether their seeds are the same markets (so rows can be paired on them). */
export function relation(
  inputs: ResultInput[],
  i: number,
  j: number,
): { config: Config; pairable: boolean; difference?: string } {
  const [a, b] = [inputs[i], inputs[j]]
  // bench rerank's rows of one folder share their sessions and buyer draws, seed by seed (a round with --blocks).
  if (i === j && a.manifest?.kind === 'rerank') return { config: 'log', pairable: true }
  if (a.kind === 'log' || b.kind === 'log') return { config: 'log', pairable: false }
  if (i === j) return { config: 'same', pairable: true }
  if (a.kind === 'unchecked' || b.kind === 'unchecked') return { config: 'unchecked', pairable: true }
  const d = firstDifference(a.manifest!, b.manifest!)
  if (!d) return { config: 'same', pairable: true }
  // A different kit version or seed set still simulates seed s on the same configuration; a different scenario or
  // catalog does not.
  return {
    config: 'differs',
    pairable: d.what === 'seeds' || d.what.startsWith('versions'),
    difference: `${d.what} is ${d.a} in ${a.label} but ${d.b} in ${b.label}`,
  }
}

/**
 * Matches rows of the baseline input with rows of another, per scenario and algorithm: first the
 * same resolved parameters (a sweep variant meets a --param run), then the same variant label,
 * then the one configuration left on each side (an A/B change of parameters).
 */
export function matchInputs(inputs: ResultInput[], j: number, notes: string[]): Pair[] {
  const pairs: Pair[] = []
  const candLeft = [...inputs[j].groups]
  const baseLeft: ResultGroup[] = []
  const bySlot = (g: ResultGroup) => `${g.scenario}\u0000${g.algorithm}`
  for (const slot of new Set(inputs[0].groups.map(bySlot))) {
    const bases = inputs[0].groups.filter((g) => bySlot(g) === slot)
    const cands = candLeft.filter((g) => bySlot(g) === slot)
    const take = (same: (a: ResultGroup, b: ResultGroup) => boolean) => {
      for (const a of [...bases]) {
        const b = cands.find((c) => same(a, c))
        if (!b) continue
        pairs.push({ base: { input: 0, group: a }, cand: { input: j, group: b } })
        bases.splice(bases.indexOf(a), 1)
        cands.splice(cands.indexOf(b), 1)
        candLeft.splice(candLeft.indexOf(b), 1)
      }
    }
    take((a, b) => a.params !== undefined && b.params !== undefined && sameConfiguration(a.params, b.params))
    take((a, b) => a.variant === b.variant)
    if (bases.length === 1 && cands.length === 1) take(() => true)
    baseLeft.push(...bases)
  }
  pairWithLog(inputs, j, baseLeft, candLeft, pairs, notes)
  for (const g of baseLeft)
    notes.push(`${inputs[j].label} has no counterpart for ${describeRow(g)} of ${inputs[0].label}`)
  for (const g of candLeft)
    notes.push(`${inputs[0].label} has no counterpart for ${describeRow(g)} of ${inputs[j].label}`)
  return pairs
}

/**
 * A log is one ranker's traffic under its own name: where one input is a log with a single row in a
 * scenario, the rows the other input left unmatched in that scenario are each compared with it
 * (`compare results/my-shop results/sim`: every simulated algorithm against the log).
 */
function pairWithLog(
  inputs: ResultInput[],
  j: number,
  baseLeft: ResultGroup[],
  candLeft: ResultGroup[],
  pairs: Pair[],
  notes: string[],
): void {
  for (const scenario of new Set([...baseLeft, ...candLeft].map((g) => g.scenario))) {
    const logSide = [0, j].find(
      (i) => inputs[i].kind === 'log' && inputs[i].groups.filter((g) => g.scenario === scenario).length === 1,
    )
    if (logSide === undefined) continue
    const [logLeft, otherLeft] = logSide === 0 ? [baseLeft, candLeft] : [candLeft, baseLeft]
    const log = logLeft.find((g) => g.scenario === scenario)
    const others = otherLeft.filter((g) => g.scenario === scenario)
    if (!log || !others.length) continue
    for (const other of others) {
      const [base, cand] = logSide === 0 ? [log, other] : [other, log]
      pairs.push({ base: { input: 0, group: base }, cand: { input: j, group: cand } })
      otherLeft.splice(otherLeft.indexOf(other), 1)
    }
    logLeft.splice(logLeft.indexOf(log), 1)
    notes.push(`${inputs[logSide].label} is a log: each row of scenario ${scenario} is compared with it`)
  }
}

/**
 * Finds the --baseline row in each scenario: the first input holding ALGO with VARIANT (or, given ALGO alone, its only
 * configuration).
 */
export function baselinePairs(inputs: ResultInput[], spec: string, notes: string[]): Pair[] {
  const [algorithm, ...rest] = spec.split(':')
  const variant = rest.length ? rest.join(':') : undefined
  const all = inputs.flatMap((input, i) => input.groups.map((group) => ({ input: i, group })))
  const named = all.filter((x) => x.group.algorithm === algorithm)
  if (!named.length) {
    const algorithms = [...new Set(all.map((x) => x.group.algorithm))].join(', ')
    throw new InputError(`--baseline ${spec}: no rows of ${algorithm} in the inputs (algorithms: ${algorithms})`)
  }
  const variants = [...new Set(named.map((x) => x.group.variant))]
  const chosen = variant ?? (variants.includes('') || variants.length > 1 ? '' : variants[0])
  if (!variants.includes(chosen)) {
    const list = variants.map((v) => (v ? `${algorithm}:${v}` : algorithm)).join(', ')
    const problem =
      variant === undefined ? `${algorithm} has several variants; name one` : `no variant "${variant}" of ${algorithm}`
    throw new InputError(`--baseline ${spec}: ${problem} (the inputs have ${list})`)
  }
  const pairs: Pair[] = []
  for (const scenario of new Set(all.map((x) => x.group.scenario))) {
    const base = named.find((x) => x.group.variant === chosen && x.group.scenario === scenario)
    const others = all.filter((x) => x.group.scenario === scenario && x !== base)
    if (!base) {
      if (others.length) notes.push(`scenario ${scenario} has no ${spec} row to compare with`)
      continue
    }
    for (const cand of others) pairs.push({ base, cand })
  }
  return pairs
}
