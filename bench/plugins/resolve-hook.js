// Lets plugin files anywhere import the kit by package name: `import { definePlugin } from 'trafficbench/kit'`
// resolves to this kit (the one the running bench belongs to) even when no trafficbench is installed
// beside the plugin, and even when another copy is: one kit, one zod, one contract per run.
// Plain JavaScript: module hooks run on Node's loader thread, before tsx is in place there.
import { register } from 'node:module'

/** The package-name imports this hook answers, and the files they resolve to (package.json "exports" says the same). */
const KIT_SPECIFIERS = new Map([
  ['trafficbench/kit', new URL('../../algorithms/kit/index.ts', import.meta.url).href],
  ['trafficbench/check', new URL('../check/index.ts', import.meta.url).href],
])

export async function resolve(specifier, context, nextResolve) {
  const url = KIT_SPECIFIERS.get(specifier)
  // Resolved on through the rest of the chain, so tsx sees a .ts file it must load (and says how).
  return nextResolve(url ?? specifier, context)
}

/** Installs the hook for this thread's module loader; call it in every thread that loads plugins (main and workers). */
export function registerKitResolver() {
  register(import.meta.url)
}
