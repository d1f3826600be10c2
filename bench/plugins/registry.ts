import { readdirSync } from 'node:fs'
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import { describeIssues, InputError } from '../../core/errors.ts'
import { KIT_ROOT, kitPath } from '../../core/paths.ts'
import { moduleGraph } from './module-graph.ts'
import { describeRemote, remotePlugin } from './remote/remote-plugin.ts'
import { remoteSource } from './remote/spec.ts'

const ALGORITHMS_DIR = kitPath('algorithms')
const ON_DEMAND_DIR = kitPath('algorithms/on-demand')

/** What the kit checks of a plugin module's default export before using it. */
const PluginShape = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and dashes'),
  summary: z.string().min(1),
  claims: z.array(z.string()),
  params: z.custom<z.ZodObject>((v) => v instanceof z.ZodObject, 'a zod object schema (z.object({…}))'),
  platform: z.function().optional(),
  truth: z.literal(true, 'true (the opt-in to the hidden truth) or left out').optional(),
  files: z.array(z.string(), 'a list of paths relative to the plugin file').optional(),
  create: z.function(),
})

/** The files whose content decides a loaded plugin's results (its cells' hashes cover them), by plugin. */
const DECLARED = new WeakMap<Plugin, string[]>()
/** What a plugin reads besides the kit: its module graph and declared files (remote: its folder or manifest's). */
export function pluginFiles(plugin: Plugin): string[] {
  return DECLARED.get(plugin) ?? []
}

/**
 * A plugin by file: a TypeScript or JavaScript module's default export, a process (a `.py` ranker,
 * a `.json` manifest) or a service (an http(s) URL) that speaks docs/PROTOCOL.md.
 */
/**
 * Called right after a plugin module is imported, before anything is awaited: a thread that must not keep what a
 * plugin's top-level code did to the built-ins (bench run's preparing thread) undoes it here.
 */
export const afterPluginImport = { run: (): void => {} }

export async function loadPluginFile(path: string): Promise<Plugin> {
  const remote = remoteSource(path)
  if (remote) {
    const plugin = remotePlugin(remote.spec, await describeRemote(remote.spec))
    DECLARED.set(plugin, remote.files)
    return plugin
  }
  const file = resolve(path)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(file).href)
    afterPluginImport.run()
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new InputError(`cannot load plugin ${path}: ${reason}${loadHint(reason)}`)
  }
  const parsed = PluginShape.safeParse(mod.default)
  if (!parsed.success)
    throw new InputError(
      `plugin ${path} must default-export a plugin (see algorithms/kit/contract.ts): ` +
        describeIssues(parsed.error, 'default'),
    )
  const plugin = mod.default as Plugin
  DECLARED.set(plugin, declaredFiles(plugin, file))
  return plugin
}

/** A module plugin's files: its module graph and what it declares in `files`, relative to its own file. */
export function declaredFiles(plugin: Plugin, file: string): string[] {
  return [...moduleGraph(file), ...(plugin.files ?? []).map((f) => resolve(dirname(file), f))]
}

/** What usually fixes a plugin file that does not load. */
function loadHint(reason: string): string {
  if (/require\(\)? ES Module|ERR_REQUIRE/i.test(reason))
    return (
      '\n  A .ts file outside an ES-module package loads as CommonJS: name it .mts, or put a package.json ' +
      'with {"type": "module"} beside it.'
    )
  if (/Cannot find (package|module) 'zod'/.test(reason))
    return (
      "\n  Import zod from the kit so the plugin shares the kit's copy: import { z, definePlugin } from " +
      "'<trafficbench>/algorithms/kit/index.ts'."
    )
  return ''
}

/**
 * The built-in plugins, found by listing the folders: every .ts file directly in algorithms/, then those
 * of algorithms/on-demand/, which run only when named (they need a parameter, e.g. onnx's model).
 */
export function builtinPluginFiles(): string[] {
  const stem = (f: string) => f.slice(0, -extname(f).length)
  const list = (dir: string) =>
    readdirSync(dir)
      .filter((f) => extname(f) === '.ts' && !f.endsWith('.d.ts'))
      .sort((a, b) => (stem(a) < stem(b) ? -1 : stem(a) > stem(b) ? 1 : 0)) // by name: amazon before amazon-haul
      .map((f) => join(dir, f))
  return [...list(ALGORITHMS_DIR), ...list(ON_DEMAND_DIR)]
}

export interface RegisteredPlugin {
  plugin: Plugin
  /** Where it was loaded from: relative to the project for built-ins, as given for --plugin files. */
  file: string
  /** A built-in that runs only when --algorithms names it. */
  onDemand?: boolean
}

/**
 * A plugin that stands for a file without being its module (a sealed plugin's description): its files are the file's
 * module graph and what it declares, as if it had been imported.
 */
export function registerDeclared(plugin: Plugin, file: string): Plugin {
  DECLARED.set(plugin, declaredFiles(plugin, file))
  return plugin
}

/**
 * Built-ins plus user files (--plugin); names must be unique. Ordered as found. `loadExtra` loads the user files
 * (bench run --sealed describes them from their own processes instead of importing them).
 */
export async function loadRegistry(
  extraFiles: string[] = [],
  loadExtra: (file: string) => Promise<Plugin> = loadPluginFile,
): Promise<Map<string, RegisteredPlugin>> {
  const registry = new Map<string, RegisteredPlugin>()
  const files = [...builtinPluginFiles().map((f) => relative(resolve(ALGORITHMS_DIR, '..'), f)), ...extraFiles]
  for (const file of files) {
    const plugin = extraFiles.includes(file)
      ? await loadExtra(file)
      : await loadPluginFile(isAbsolute(file) ? file : resolve(ALGORITHMS_DIR, '..', file))
    const seen = registry.get(plugin.name)
    if (seen) throw new InputError(`two plugins are named "${plugin.name}": ${seen.file} and ${file}`)
    registry.set(plugin.name, { plugin, file, onDemand: resolve(KIT_ROOT, file).startsWith(`${ON_DEMAND_DIR}/`) })
  }
  return registry
}

/**
 * The plugins named on the command line, in that order (all when none is named); an unknown or repeated name is
 * refused.
 */
export function selectPlugins(
  registry: Map<string, RegisteredPlugin>,
  names: string[] | undefined,
): RegisteredPlugin[] {
  if (names === undefined) return [...registry.values()].filter((r) => !r.onDemand)
  if (names.length === 0) throw new InputError('--algorithms: no algorithm named; leave the flag out to run them all')
  const twice = names.find((name, i) => names.indexOf(name) !== i)
  if (twice)
    throw new InputError(`--algorithms: "${twice}" is named twice; each algorithm runs once (use --sweep for variants)`)
  return names.map((name) => {
    const plugin = registry.get(name)
    if (!plugin) throw new InputError(`unknown algorithm "${name}"; available: ${[...registry.keys()].join(', ')}`)
    return plugin
  })
}
