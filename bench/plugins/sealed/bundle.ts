import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'
import { KIT_ROOT } from '../../../core/paths.ts'

/**
 * A sealed plugin's process loads two files and nothing else of the kit: the host and the plugin, each
 * bundled into one ES module (esbuild) with what it imports, so Node's permission model can let it read
 * those files only — not the generator, not the scenarios, not the engine — and no TypeScript loader
 * (which would need a worker thread) runs there.
 */

const KIT = {
  'trafficbench/kit': join(KIT_ROOT, 'algorithms/kit/index.ts'),
  'trafficbench/check': join(KIT_ROOT, 'bench/check/index.ts'),
}

/** Where bundles go: one folder per process, removed by the OS's tmp cleaning (and small). */
const DIR = join(tmpdir(), `trafficbench-sealed-${process.pid}`)

function bundle(entry: string, name: string, define: Record<string, string> = {}): string {
  const { outputFiles } = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    alias: KIT,
    define,
    write: false,
    logLevel: 'silent',
    // A bundled CommonJS dependency may call require(): give the module one.
    banner: {
      js: "import { createRequire as __kitRequire } from 'node:module';const require = __kitRequire(import.meta.url);",
    },
  })
  const text = outputFiles[0].text
  const file = join(DIR, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`)
  mkdirSync(DIR, { recursive: true })
  writeFileSync(file, text)
  return file
}

let host: string | undefined
/** The host: bench/plugins/sealed/host.ts with the harness, the view and the kit's plugin API. */
export function hostBundle(): string {
  host ??= bundle(fileURLToPath(new URL('./host.ts', import.meta.url)), 'host')
  return host
}

/**
 * A plugin file with its module graph. `import.meta.url` is the plugin file's own, so that it finds the files it
 * declares beside itself as it does unsealed.
 */
export function pluginBundle(file: string): string {
  return bundle(file, 'plugin', { 'import.meta.url': JSON.stringify(pathToFileURL(file).href) })
}
