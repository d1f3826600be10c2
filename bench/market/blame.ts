import { isAbsolute, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PluginError, type PluginHook } from './types.ts'

/** A stack frame's file, line and column: "at f (file:///x.ts:3:9)" or "at /x.ts:3:9". */
const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?$/

/**
 * Where in the plugin's file an error arose: the first frame of its stack in that file, as
 * path:line:column relative to the working directory (tsx maps lines back to the .ts source);
 * just the path when the stack never enters the file (or names none when the file is unknown).
 */
/** A plugin file as errors show it: relative to the working directory when inside it. */
export function shownFile(file: string | undefined): string {
  if (!file) return ''
  const inside = relative(process.cwd(), file)
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file
}

export function locateInFile(err: unknown, file: string | undefined): string {
  if (!file) return ''
  const shown = shownFile(file)
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : ''
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME.exec(line.trim())
    if (!match) continue
    const path = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
    if (path === file) return `${shown}:${match[2]}:${match[3]}`
  }
  return shown
}

/** The plugin's exception as a PluginError naming the plugin, seed, round, hook and its line. */
export function pluginFailure(
  err: unknown,
  plugin: string,
  file: string | undefined,
  seed: number,
  round: number | null,
  hook: PluginHook,
): PluginError {
  if (err instanceof PluginError) return err
  const plain = err instanceof Error && (err.name === 'Error' || err.name === 'RemoteError')
  const message = err instanceof Error ? `${plain ? '' : `${err.name}: `}${err.message}` : String(err)
  return new PluginError(plugin, seed, round, hook, locateInFile(err, file), message, { cause: err })
}
