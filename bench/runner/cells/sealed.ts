import type { Plugin } from '../../../algorithms/kit/contract.ts'
import type { Catalog } from '../../../core/catalog.ts'
import type { SealedPlugin } from '../../market/boundary.ts'
import { startSealed } from '../../plugins/sealed/client.ts'
import type { CellSpec } from '../plan/plan.ts'

/**
 * What the engine knows of a sealed plugin without importing it: its name (for messages) and whether it reads the
 * truth (the engine then hands it quality and true relevance, as unsealed). Everything else happens in its process.
 */
export function sealedStub(name: string, truth: boolean): Plugin {
  return {
    name,
    summary: '',
    claims: [],
    truth,
    create: () => {
      throw new Error(`${name} runs sealed, in a process of its own`)
    },
  } as unknown as Plugin
}

/** A fresh process for one simulation of the cell, which must still define the plugin the plan named. */
export function sealedPlugin(spec: CellSpec, catalog: Catalog): SealedPlugin {
  const started = startSealed(spec.pluginFile, spec.params, spec.sealed!.reads, catalog)
  stillNamed(spec.pluginFile, started.name, spec.cell.algorithm)
  return started.sealed
}

/** A plugin file must still define the plugin the plan named (it may have changed since). */
export function stillNamed(file: string, found: string, planned: string): void {
  if (found !== planned) throw new Error(`${file} now defines "${found}", not "${planned}"`)
}
