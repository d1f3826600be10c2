import type { Row } from '../../core/csv.ts'
import {
  type CollectorDef,
  type Measured,
  NEEDS,
  type Need,
  type Provided,
  providedNeeds,
  type RoundTotals,
  type SourceBase,
} from '../market/stream.ts'
import type { RoundRecord } from './collectors/rounds.ts'

/**
 * How a metric is declared, once, for every source: its name, which way is better, its definition
 * (rendered into bench/METRICS.md), the facets it needs (bench/market/stream.ts NEEDS), the collectors
 * it reads, and its value computed as the definition says. The value function is typed by the needs:
 * it can read only the facets and collectors it declared, so the compiler checks what the table says,
 * and a source without a facet gets an empty cell with the facet's reason.
 */
export type Direction = 'higher' | 'lower' | 'neither'
export type Side = 'keys' | 'sellers' | 'buyers' | 'platform' | 'speed' | 'round' | 'seller'

export interface MetricDef {
  name: string
  side: Side
  better: Direction
  definition: string
  /** Every facet it needs, its collectors' included (empty for the speed columns). */
  needs: readonly Need[]
}

/** What a value function reads: the source's base context and declared facets, totals and collectors. */
export type MetricInputs<N extends Need> = SourceBase &
  Provided<N> & {
    totals: RoundTotals
    get<R, M extends N>(collector: CollectorDef<R, M>): R
  }

/** A rounds.csv value reads one round's record besides the run's inputs. */
export type RoundInputs<N extends Need> = MetricInputs<N> & { record: RoundRecord }

export interface SummaryMetric extends MetricDef {
  uses: readonly CollectorDef[]
  value(r: MetricInputs<Need>): number
}
export interface RoundMetric extends MetricDef {
  uses: readonly CollectorDef[]
  value(r: RoundInputs<Need>): number
}
export interface SellerColumn extends MetricDef {
  uses: readonly CollectorDef[]
  value(r: MetricInputs<Need>, seller: number): number | string
}

interface Inputs<N extends Need> {
  needs?: readonly N[]
  uses?: readonly CollectorDef<unknown, N>[]
}

const declared = <N extends Need>(inputs: Inputs<N>) => {
  const uses = inputs.uses ?? []
  const needs = [...new Set([...(inputs.needs ?? []), ...uses.flatMap((c) => c.needs)])]
  return { uses: uses as readonly CollectorDef[], needs }
}

export function metric<const N extends Need = never>(
  name: string,
  side: Side,
  better: Direction,
  definition: string,
  inputs: Inputs<N>,
  value: (r: MetricInputs<N>) => number,
): SummaryMetric {
  return { name, side, better, definition, ...declared(inputs), value: value as SummaryMetric['value'] }
}

export function roundMetric<const N extends Need = never>(
  name: string,
  better: Direction,
  definition: string,
  inputs: Inputs<N>,
  value: (r: RoundInputs<N>) => number,
): RoundMetric {
  return { name, side: 'round', better, definition, ...declared(inputs), value: value as RoundMetric['value'] }
}

export function sellerColumn<const N extends Need = never>(
  name: string,
  definition: string,
  inputs: Inputs<N>,
  value: (r: MetricInputs<N>, seller: number) => number | string,
): SellerColumn {
  return {
    name,
    side: 'seller',
    better: 'neither',
    definition,
    ...declared(inputs),
    value: value as SellerColumn['value'],
  }
}

/** A column without a value function (the keys, the speed columns). */
export const described = (name: string, side: Side, better: Direction, definition: string): MetricDef => ({
  name,
  side,
  better,
  definition,
  needs: [],
})

/** Why a metric is empty for a source that provides `have`, or null when it is defined. */
export function emptyReason(def: MetricDef, have: ReadonlySet<Need>): string | null {
  const lacking = def.needs.filter((n) => !have.has(n))
  return lacking.length ? `needs ${lacking.map((n) => NEEDS[n]).join('; and ')}` : null
}

/** The collectors a set of metrics reads. */
export function collectorsOf(metrics: readonly { uses: readonly CollectorDef[] }[]): CollectorDef[] {
  return [...new Set(metrics.flatMap((m) => m.uses))]
}

/** An undefined value (NaN: a rate over an empty group) is written as an empty cell, not 0. */
export const emptyIfNaN = (x: number): number | string => (Number.isNaN(x) ? '' : x)
const cell = (v: number | string) => (typeof v === 'number' ? emptyIfNaN(v) : v)

/** A metric that a source cannot define, and why. */
export interface EmptyColumn {
  file: 'summary.csv' | 'rounds.csv' | 'sellers.csv'
  column: string
  reason: string
}

/** Evaluates metrics on what a source left: each value, or '' where the source lacks a need. */
export class Evaluation {
  readonly have: ReadonlySet<Need>
  readonly inputs: MetricInputs<Need>

  constructor(readonly measured: Measured) {
    this.have = providedNeeds(measured.source)
    this.inputs = {
      ...(measured.source as MetricInputs<Need>),
      totals: measured.totals,
      get: (collector) => measured.collected.get(collector),
    }
  }

  row<M extends MetricDef>(metrics: readonly M[], value: (m: M) => number | string): Row {
    return Object.fromEntries(
      metrics.map((m) => [m.name, emptyReason(m, this.have) === null ? cell(value(m)) : '']),
    ) as Row
  }

  /** The columns of a file this source leaves empty, with their reasons. */
  empty(file: EmptyColumn['file'], metrics: readonly MetricDef[]): EmptyColumn[] {
    return metrics.flatMap((m) => {
      const reason = emptyReason(m, this.have)
      return reason === null ? [] : [{ file, column: m.name, reason }]
    })
  }
}
