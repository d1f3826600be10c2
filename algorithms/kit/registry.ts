import { readdirSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { InputError, describeIssues } from '../../datasets/errors.ts'
import type { Plugin } from './contract.ts'

const ALGORITHMS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** What the kit checks of a plugin module's default export before using it. */
const PluginShape = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and dashes'),
  summary: z.string().min(1),
  claims: z.array(z.string()),
  params: z.custom<z.ZodObject>((v) => v instanceof z.ZodObject, 'a zod object schema (z.object({…}))'),
  platform: z.function().optional(),
  create: z.function(),
})

export async function loadPluginFile(path: string): Promise<Plugin> {
  const file = resolve(path)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new InputError(`cannot load plugin ${path}: ${reason}`)
  }
  const parsed = PluginShape.safeParse(mod.default)
  if (!parsed.success) throw new InputError(`plugin ${path} must default-export a plugin (see algorithms/kit/contract.ts):\n${describeIssues(parsed.error, 'default')}`)
  return mod.default as Plugin
}

/** The built-in plugins: every .ts file directly in algorithms/, found by listing the folder. */
export function builtinPluginFiles(): string[] {
  return readdirSync(ALGORITHMS_DIR)
    .filter((f) => extname(f) === '.ts' && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(ALGORITHMS_DIR, f))
}

/** Built-ins plus user files (--plugin); names must be unique. Ordered as found. */
export async function loadRegistry(extraFiles: string[] = []): Promise<Map<string, Plugin>> {
  const registry = new Map<string, Plugin>()
  const origin = new Map<string, string>()
  for (const file of [...builtinPluginFiles(), ...extraFiles]) {
    const plugin = await loadPluginFile(file)
    const seen = origin.get(plugin.name)
    if (seen) throw new InputError(`two plugins are named "${plugin.name}": ${seen} and ${file}`)
    origin.set(plugin.name, basename(file))
    registry.set(plugin.name, plugin)
  }
  return registry
}

/** The plugins named on the command line, in that order; an unknown name lists the available ones. */
export function selectPlugins(registry: Map<string, Plugin>, names: string[] | undefined): Plugin[] {
  if (!names || names.length === 0) return [...registry.values()]
  return names.map((name) => {
    const plugin = registry.get(name)
    if (!plugin) throw new InputError(`unknown algorithm "${name}"; available: ${[...registry.keys()].join(', ')}`)
    return plugin
  })
}
