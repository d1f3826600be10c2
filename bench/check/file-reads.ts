import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KIT_ROOT } from '../../core/paths.ts'

/** The fs functions a plugin reads files with; each is watched while create() runs. */
const READERS = ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream', 'readdirSync'] as const
const PROMISE_READERS = ['readFile', 'open', 'readdir'] as const

const asPath = (p: unknown): string | null =>
  typeof p === 'string' ? resolve(p) : p instanceof URL && p.protocol === 'file:' ? fileURLToPath(p) : null

/**
 * Records the files a call reads through node:fs (named imports included: the builtin's exports are
 * re-synced), then puts fs back. What bench check compares with the files a plugin declares.
 */
export function recordFileReads<T>(body: () => T): { value: T; read: string[] } {
  const read = new Set<string>()
  const fsAny = fs as unknown as Record<string, (...args: unknown[]) => unknown>
  const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => unknown>
  const saved: [Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown][] = []
  const spy = (owner: Record<string, (...args: unknown[]) => unknown>, name: string) => {
    const real = owner[name]
    saved.push([owner, name, real])
    owner[name] = function (this: unknown, ...args: unknown[]) {
      const path = asPath(args[0])
      if (path) read.add(path)
      return real.apply(this, args)
    }
  }
  for (const name of READERS) spy(fsAny, name)
  for (const name of PROMISE_READERS) spy(promises, name)
  syncBuiltinESMExports()
  try {
    return { value: body(), read: [...read] }
  } finally {
    for (const [owner, name, real] of saved) owner[name] = real
    syncBuiltinESMExports()
  }
}

/** The reads that no declared file or folder covers (the kit's own files and packages aside). */
export function undeclaredReads(read: readonly string[], declared: readonly string[]): string[] {
  const covered = (file: string) =>
    file.startsWith(`${KIT_ROOT}${sep}`) && !file.startsWith(`${KIT_ROOT}${sep}test${sep}`)
      ? true
      : file.includes(`${sep}node_modules${sep}`) ||
        declared.some((d) => file === d || file.startsWith(d.endsWith(sep) ? d : `${d}${sep}`))
  return read.filter((f) => !covered(f))
}
