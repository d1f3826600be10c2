import type { Manifest, ResultInput } from '../../bench/report/inputs.ts'

/** Result inputs built in memory for compare's unit tests. */

export type Seeds = Record<number, Record<string, number>>
export interface Spec {
  algorithm: string
  variant?: string
  scenario?: string
  params?: Record<string, unknown>
  seeds: Seeds
  /** Per seed, every repeat's timing values. */
  repeats?: Record<number, Record<string, number[]>>
  rules?: { from: string; rules: Record<string, string> }
}

export const MANIFEST: Manifest = {
  scenario: { name: 'small', catalog: { sellers: 200 }, market: { rounds: 12 } },
  seeds: [1, 2, 3],
  catalog: 'generated',
  versions: { trafficbench: '0.1.0' },
}

export function input(label: string, specs: Spec[], manifest: Manifest | null = MANIFEST): ResultInput {
  const groups = specs.map((s) => ({
    algorithm: s.algorithm,
    variant: s.variant ?? '',
    scenario: s.scenario ?? 'small',
    params: s.params,
    samples: new Map(Object.entries(s.seeds).map(([k, v]) => [Number(k), v])),
    repeats: new Map(
      Object.entries(s.repeats ?? {}).map(([k, v]) => [Number(k), v] as [number, Record<string, number[]>]),
    ),
    rules: s.rules,
  }))
  const metrics = [...new Set(specs.flatMap((s) => Object.values(s.seeds).flatMap((v) => Object.keys(v))))]
  return {
    label,
    files: [label],
    metrics,
    groups,
    manifest,
    kind: !manifest ? 'unchecked' : manifest.scenario ? 'simulation' : 'log',
  }
}
