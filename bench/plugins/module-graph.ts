import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { KIT_ROOT } from '../../core/paths.ts'

/** Static and dynamic imports with a literal, relative specifier. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.js']

/**
 * The files of a plugin's own module graph: the entry file and every file it imports by a relative
 * path, transitively. The kit's own files (covered by the kit's fingerprint) and packages are left
 * out. A cell's hash covers them, so a changed helper module reruns the plugin's cells.
 */
export function moduleGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file) || isKitFile(file)) return
    seen.add(file)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      return
    }
    for (const [, spec] of text.matchAll(IMPORT)) {
      const target = EXTENSIONS.map((ext) => resolve(dirname(file), spec + ext)).find(isFile)
      if (target) visit(target)
    }
  }
  visit(resolve(entry))
  return [...seen].sort()
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile()
/** The kit's own source, which the kit's fingerprint covers (bench/runner/plan/plan.ts KIT_SOURCES). */
const KIT_FOLDERS = ['algorithms', 'bench', 'core', 'datasets', 'seeds'].map((f) => `${KIT_ROOT}${sep}${f}${sep}`)
const isKitFile = (file: string) => KIT_FOLDERS.some((folder) => file.startsWith(folder))
