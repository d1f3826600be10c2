import type { z } from 'zod'
import type { Plugin } from '../algorithms/kit/contract.ts'
import { InputError } from '../datasets/errors.ts'

/** A `--param` value: JSON when it parses (numbers, true/false, arrays), otherwise the plain string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/**
 * Turns `--param algo.key=value` flags into each plugin's validated parameters (defaults filled in).
 * Errors name the flag, the plugin, the key and what the key expects.
 */
export function resolvePluginParams(plugins: Plugin[], flags: string[]): Map<string, Record<string, unknown>> {
  const given = new Map<string, Record<string, unknown>>()
  const raw = new Map<string, string>()
  for (const flag of flags) {
    const match = /^([a-z][a-z0-9-]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(flag)
    if (!match) throw new InputError(`--param ${flag}: expected algorithm.key=value, e.g. amazon.priceParity=false`)
    const [, name, key, value] = match
    const plugin = plugins.find((p) => p.name === name)
    if (!plugin) throw new InputError(`--param ${flag}: "${name}" is not among the algorithms of this run (${plugins.map((p) => p.name).join(', ')})`)
    const shape = plugin.params.shape as Record<string, z.ZodType>
    if (!(key in shape)) {
      const known = Object.keys(shape)
      throw new InputError(`--param ${flag}: ${name} has no parameter "${key}"; ${known.length ? `its parameters: ${known.join(', ')}` : 'it takes no parameters'}`)
    }
    given.set(name, { ...given.get(name), [key]: parseValue(value) })
    raw.set(`${name}.${key}`, flag)
  }
  const resolved = new Map<string, Record<string, unknown>>()
  for (const plugin of plugins) {
    const result = plugin.params.safeParse(given.get(plugin.name) ?? {})
    if (!result.success) {
      const lines = result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '')
        return `--param ${raw.get(`${plugin.name}.${key}`) ?? `${plugin.name}.${key}`}: ${plugin.name}'s parameter ${issue.path.join('.')}: ${issue.message}`
      })
      throw new InputError(lines.join('\n'))
    }
    resolved.set(plugin.name, result.data as Record<string, unknown>)
  }
  return resolved
}
