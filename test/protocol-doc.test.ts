import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OBSERVABLE_COLUMNS } from '../algorithms/kit/contract.ts'
import { dtypeOf } from '../bench/plugins/remote/wire.ts'
import { loadScenario } from '../bench/runner/plan/scenario.ts'
import { ARCHETYPES, DEPARTMENTS, ORIGINS, SIZE_TIERS } from '../core/catalog.ts'
import { generateCatalog } from '../datasets/generate.ts'
import { ROOT } from './helpers/cli.ts'

const doc = readFileSync(join(ROOT, 'docs/PROTOCOL.md'), 'utf8')

// PROTOCOL.md is all a client author reads: its table of the market message's arrays must be the
// arrays the kit sends, with the dtypes it sends them in and the codes the engine uses.
describe('PROTOCOL.md § the market columns', () => {
  const rows = [...doc.matchAll(/^\| `(\w+\.\w+)` \| (\w+) \| (.*) \|$/gm)].map(([, name, dtype, what]) => ({
    name,
    dtype,
    what,
  }))

  it('lists every numeric observable column, in the dtype the kit sends', () => {
    const { catalog } = loadScenario('small')
    const market = generateCatalog(catalog, 1, 2) as unknown as Record<string, Record<string, unknown>>
    const sent = Object.entries(OBSERVABLE_COLUMNS).flatMap(([entity, columns]) =>
      (columns as readonly string[])
        .filter((c) => ArrayBuffer.isView(market[entity][c]))
        .map((c) => ({ name: `${entity}.${c}`, dtype: dtypeOf(market[entity][c] as never) })),
    )
    expect(rows.map(({ name, dtype }) => ({ name, dtype }))).toEqual(sent)
  })

  it('spells out the codes of the coded columns as the engine numbers them', () => {
    const codes = (list: readonly string[]) => list.map((v, i) => `${i} ${v}`).join(', ')
    const what = (name: string) => rows.find((r) => r.name === name)?.what
    expect(what('categories.department')).toContain(codes(DEPARTMENTS))
    expect(what('sellers.archetype')).toContain(codes(ARCHETYPES))
    expect(what('sellers.origin')).toContain(codes(ORIGINS))
    expect(what('sellers.sizeTier')).toContain(codes(SIZE_TIERS))
  })
})
