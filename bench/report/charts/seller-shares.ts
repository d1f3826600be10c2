import { parse } from 'csv-parse/sync'
import { unescapeCell } from '../../../core/csv.ts'
import type { CsvRow } from '../report-rows.ts'

/**
 * The data behind "sellers over time", as plain numbers: seller_rounds.csv read compactly, each group's share of a
 * round's exposure, entry cohorts, and the sellers whose share rose or fell most.
 */

export interface SellerRound {
  series: string
  seed: string
  round: number
  /** algorithm, variant, scenario, seed and seller_id: the join key into sellers.csv. */
  key: string
  seller: string
  exposure: number
}

/** The value under a key, made and stored the first time it is asked for. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const found = map.get(key)
  if (found !== undefined) return found
  const made = make()
  map.set(key, made)
  return made
}

export const sellerKey = (r: CsvRow, seller = r.seller_id) =>
  [r.algorithm, r.variant, r.scenario, r.seed, seller].join('\u0000')

/** seller_rounds.csv as compact records (it can hold sellers × rounds × runs rows: no object per cell). */
export function readSellerRounds(text: string, seriesName: (r: CsvRow) => string): SellerRound[] {
  const [header, ...records] = parse(text, { cast: unescapeCell }) as string[][]
  const at = Object.fromEntries((header ?? []).map((c, i) => [c, i]))
  const names = new Map<string, string>()
  return records.map((cells) => {
    const row: CsvRow = {
      algorithm: cells[at.algorithm],
      variant: cells[at.variant],
      scenario: cells[at.scenario],
      seed: cells[at.seed],
    }
    const run = sellerKey(row, '')
    const series = entry(names, run, () => seriesName(row))
    const seller = cells[at.seller_id]
    return {
      series,
      seed: row.seed,
      round: Number(cells[at.round]),
      key: run + seller,
      seller,
      exposure: Number(cells[at.exposure]),
    }
  })
}

/** One (series, seed, round) with exposure: every group's share of it, 0 for a group shown nothing. */
export interface RoundShares {
  series: string
  seed: string
  round: number
  shares: Map<string, number>
}

/**
 * Each group's share of the exposure of each round of each series and seed; rounds without exposure are left out, so
 * the shares of a round add up to 1 over the groups. A series' groups are those its rows have in any round.
 */
export function groupShares(rows: readonly SellerRound[], groupOf: (r: SellerRound) => string): RoundShares[] {
  const rounds = new Map<string, RoundShares & { total: number }>()
  const groups = new Map<string, Set<string>>()
  for (const r of rows) {
    const id = `${r.series}\u0000${r.seed}\u0000${r.round}`
    const round = entry(rounds, id, () => ({
      series: r.series,
      seed: r.seed,
      round: r.round,
      shares: new Map(),
      total: 0,
    }))
    const group = groupOf(r)
    round.shares.set(group, (round.shares.get(group) ?? 0) + r.exposure)
    round.total += r.exposure
    entry(groups, r.series, () => new Set<string>()).add(group)
  }
  return [...rounds.values()]
    .filter((r) => r.total > 0)
    .map(({ total, ...r }) => ({
      ...r,
      shares: new Map([...groups.get(r.series)!].map((g) => [g, (r.shares.get(g) ?? 0) / total])),
    }))
}

/**
 * Entry cohorts from join_round in a run of `rounds` rounds: the incumbents (round 0), then the entrants in three
 * spans of rounds (one span per round when there are fewer than three).
 */
export function cohortOf(rounds: number): { label: (joinRound: number) => string; order: string[] } {
  const span = Math.max(1, Math.ceil((rounds - 1) / 3))
  const name = (first: number) => {
    const last = Math.min(rounds - 1, first + span - 1)
    return last > first ? `entered rounds ${first}–${last}` : `entered round ${first}`
  }
  const order = ['incumbents']
  for (let first = 1; first < rounds; first += span) order.push(name(first))
  return {
    label: (joinRound) => (joinRound <= 0 ? 'incumbents' : name(1 + Math.floor((joinRound - 1) / span) * span)),
    order,
  }
}

export interface Mover {
  series: string
  seed: string
  key: string
  seller: string
  /** The seller's share of the exposure in the first and in the last third of the rounds. */
  first: number
  last: number
  change: number
}

/** The rounds compared: the first and last third of `rounds` (at least one round each). */
export const moverWindows = (rounds: number) => {
  const width = Math.max(1, Math.floor(rounds / 3))
  return { first: [0, width - 1] as const, last: [rounds - width, rounds - 1] as const }
}

/**
 * Per series, the `n` sellers whose exposure share rose most (gainers) and fell most (losers) from the first third of
 * the rounds to the last: each seed is its own market, so a seller is a seller of one seed. Ties: by seller id.
 */
export function movers(rows: readonly SellerRound[], rounds: number, n = 3) {
  const { first, last } = moverWindows(rounds)
  const runs = new Map<string, { totals: [number, number]; sellers: Map<string, Mover> }>()
  for (const r of rows) {
    const inFirst = r.round <= first[1]
    if (!inFirst && r.round < last[0]) continue
    const id = `${r.series}\u0000${r.seed}`
    const run = entry(runs, id, () => ({ totals: [0, 0] as [number, number], sellers: new Map<string, Mover>() }))
    const m = entry(run.sellers, r.key, () => {
      const { series, seed, key, seller } = r
      return { series, seed, key, seller, first: 0, last: 0, change: 0 }
    })
    run.totals[inFirst ? 0 : 1] += r.exposure
    if (inFirst) m.first += r.exposure
    else m.last += r.exposure
  }
  const all: Mover[] = []
  for (const { totals, sellers } of runs.values()) {
    if (rounds < 2 || totals[0] <= 0 || totals[1] <= 0) continue
    for (const m of sellers.values()) {
      m.first /= totals[0]
      m.last /= totals[1]
      m.change = m.last - m.first
      all.push(m)
    }
  }
  const bySeller = (a: Mover, b: Mover) => (a.seller < b.seller ? -1 : a.seller > b.seller ? 1 : 0)
  const result = new Map<string, { gainers: Mover[]; losers: Mover[] }>()
  for (const m of all) if (!result.has(m.series)) result.set(m.series, { gainers: [], losers: [] })
  for (const [series, out] of result) {
    const own = all.filter((m) => m.series === series)
    out.gainers = own
      .filter((m) => m.change > 0)
      .sort((a, b) => b.change - a.change || bySeller(a, b))
      .slice(0, n)
    out.losers = own
      .filter((m) => m.change < 0)
      .sort((a, b) => a.change - b.change || bySeller(a, b))
      .slice(0, n)
  }
  return result
}
