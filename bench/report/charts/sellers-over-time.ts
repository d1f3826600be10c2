import { ARCHETYPES, SIZE_TIERS } from '../../../core/catalog.ts'
import { type FigureSpec, PALETTE, table } from '../page.ts'
import { type CsvRow, chartId, intervalNote, meanLine, niceCeiling, type ReportContext, SHARE } from '../report-rows.ts'
import { estimate } from '../stats.ts'
import { roundRange } from './rounds.ts'
import { cohortOf, groupShares, movers, moverWindows, type SellerRound, sellerKey } from './seller-shares.ts'

/**
 * Sellers over time, from seller_rounds.csv joined to sellers.csv: each group's share of every round's exposure (by
 * size tier, archetype, origin and entry cohort), one panel per series on shared axes, and the sellers whose share
 * rose or fell most.
 */

interface Grouping {
  id: string
  /** "size tier", "archetype", … */
  by: string
  order: readonly string[]
  of: (seller: CsvRow | undefined) => string
}

const UNKNOWN = 'unknown'
const has = (sellers: readonly CsvRow[], column: string) => sellers.some((s) => (s[column] ?? '') !== '')

/** The groupings sellers.csv supports: a column that is missing or empty throughout leaves its figure out. */
function groupings(sellers: readonly CsvRow[], rounds: number): { use: Grouping[]; missing: string[] } {
  const cohort = cohortOf(rounds)
  const origins = [...new Set(sellers.map((s) => s.origin ?? '').filter((o) => o !== ''))].sort()
  const all: (Grouping & { column: string })[] = [
    { id: 'tier', by: 'size tier', column: 'size_tier', order: SIZE_TIERS, of: (s) => s?.size_tier || UNKNOWN },
    { id: 'archetype', by: 'archetype', column: 'archetype', order: ARCHETYPES, of: (s) => s?.archetype || UNKNOWN },
    { id: 'origin', by: 'origin', column: 'origin', order: origins, of: (s) => s?.origin || UNKNOWN },
    {
      id: 'cohort',
      by: 'entry cohort',
      column: 'join_round',
      order: cohort.order,
      of: (s) => (s?.join_round ? cohort.label(Number(s.join_round)) : UNKNOWN),
    },
  ]
  return {
    use: all.filter((g) => has(sellers, g.column)),
    missing: all.filter((g) => !has(sellers, g.column)).map((g) => `${g.by} (sellers.csv has no ${g.column})`),
  }
}

function shareFigure(
  ctx: ReportContext,
  rows: readonly SellerRound[],
  attributes: Map<string, CsvRow>,
  grouping: Grouping,
): FigureSpec {
  const shares = groupShares(rows, (r) => grouping.of(attributes.get(r.key)))
  const xRange = roundRange(shares.map((s) => s.round))
  const seen = new Set(shares.flatMap((s) => [...s.shares.keys()]))
  // The fixed order first (so a group keeps its colour in every panel), then anything unforeseen.
  const groups = [...grouping.order.filter((g) => seen.has(g)), ...[...seen].filter((g) => !grouping.order.includes(g))]
  let high = 0
  const panels = ctx.series
    .map((series, i) => ({ series, i, own: shares.filter((s) => s.series === series) }))
    .filter((p) => p.own.length > 0)
    .map(({ series, i, own }) => {
      const datasets = groups.map((group, g) => {
        const byRound = new Map<number, number[]>()
        for (const s of own) byRound.set(s.round, [...(byRound.get(s.round) ?? []), s.shares.get(group) ?? 0])
        const line = meanLine(
          [...byRound.entries()].sort((a, b) => a[0] - b[0]).map(([x, values]) => ({ x, e: estimate(values) })),
          SHARE,
        )
        for (const p of line.band ?? line.data) high = Math.max(high, 'high' in p ? p.high : p.y)
        return { label: group, colour: PALETTE[g % PALETTE.length], ...line }
      })
      return {
        id: chartId('share', grouping.id, i),
        title: series,
        type: 'line' as const,
        xLabel: 'round',
        yLabel: 'share of exposure',
        xRange,
        directLabels: 'end' as const,
        datasets,
        note: '',
      }
    })
  // One y-scale for the figure: 0 to the highest value of any panel.
  for (const p of panels) Object.assign(p, { range: [0, Math.min(1, niceCeiling(high))] })
  return {
    id: `fig-share-${grouping.id}`,
    title: `Exposure share by ${grouping.by}, round by round`,
    reading:
      `Each line is one ${grouping.by}'s share of the round's exposure (the lines add up to 1); ` +
      'one panel per algorithm, all on the same axes.',
    note: `Mean over seeds of each round's share. ${intervalNote(ctx.seeds, 'band')}`,
    panels,
  }
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`
const points = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(100 * x).toFixed(2)} pp`

/** The gainers and losers as a table: per series, the sellers whose exposure share moved most. */
function moversTable(
  ctx: ReportContext,
  rows: readonly SellerRound[],
  attributes: Map<string, CsvRow>,
  rounds: number,
): string {
  if (rounds < 2) return ''
  const { first, last } = moverWindows(rounds)
  const span = ([a, b]: readonly [number, number]) => (a === b ? `round ${a}` : `rounds ${a}–${b}`)
  const lines: string[][] = []
  const found = movers(rows, rounds)
  for (const series of ctx.series) {
    const { gainers, losers } = found.get(series) ?? { gainers: [], losers: [] }
    for (const [kind, list] of [
      ['gainer', gainers],
      ['loser', losers],
    ] as const)
      for (const m of list) {
        const s = attributes.get(m.key)
        const cells = [s?.archetype, s?.size_tier, s?.origin, s?.join_round].map((v) => v ?? '')
        lines.push([series, kind, m.seed, m.seller, ...cells, percent(m.first), percent(m.last), points(m.change)])
      }
  }
  return (
    `<h3>Top gainers and losers of exposure share</h3><p class="reading">Per algorithm, the three sellers whose ` +
    `share of exposure rose most and the three whose share fell most, from ${span(first)} to ${span(last)} ` +
    `(each seed is its own market; pp = percentage points).</p>` +
    table(
      ['algorithm', 'mover', 'seed', 'seller_id', 'archetype', 'size_tier', 'origin', 'join_round'].concat([
        `share ${span(first)}`,
        `share ${span(last)}`,
        'change',
      ]),
      lines,
    )
  )
}

/** The figures, the movers table, and a line naming any grouping sellers.csv cannot give. */
export function sellersOverTime(
  ctx: ReportContext,
  rows: readonly SellerRound[],
  sellers: readonly CsvRow[],
): { figures: FigureSpec[]; html: string } {
  const attributes = new Map(sellers.map((s) => [sellerKey(s), s]))
  const rounds = roundRange(rows.map((r) => r.round))[1] + 1
  const { use, missing } = groupings(sellers, rounds)
  const left = missing.length ? `<p class="meta">Not shown: by ${missing.join('; by ')}.</p>` : ''
  return {
    figures: use.map((g) => shareFigure(ctx, rows, attributes, g)),
    html: left + moversTable(ctx, rows, attributes, rounds),
  }
}
