#!/usr/bin/env node
// Fails on an import that points up a layer (or sideways between folders of one rank). The layers,
// lowest first; a module may import its own folder and any folder of a lower rank, nothing else.
// Tests and scripts may import anything. Run by `npm run lint` (and so by .ci/run).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Folders by rank, lowest first. A file belongs to the longest folder that contains it. */
export const LAYERS = [
  ['core'],
  ['algorithms/kit'],
  ['algorithms', 'datasets'],
  ['bench/market'],
  ['bench/metrics'],
  ['bench/log', 'bench/plugins'],
  ['bench/report'],
  ['bench/runner'],
  ['bench/check'],
  ['bench/facts', 'bench/perf', 'bench/calibrate'],
  ['bench/docs'],
  ['bench/commands'],
  ['bench'],
]
const FOLDERS = LAYERS.flatMap((folders, rank) => folders.map((folder) => ({ folder, rank })))

/** The layer folder of a path relative to the root, or null outside the layered code. */
function layerOf(path) {
  let best = null
  for (const entry of FOLDERS)
    if (path === entry.folder || path.startsWith(`${entry.folder}/`))
      if (!best || entry.folder.length > best.folder.length) best = entry
  return best
}

function sources(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sources(path))
    else if (/\.(m?ts|m?js)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(path)
  }
  return out
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

export function layerViolations(root = ROOT) {
  const problems = []
  for (const top of ['core', 'algorithms', 'datasets', 'bench']) {
    let files
    try {
      files = sources(join(root, top))
    } catch {
      continue
    }
    for (const file of files) {
      const from = layerOf(relative(root, file))
      if (!from) continue
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2]
        if (!spec.startsWith('.')) continue
        const target = relative(root, resolve(dirname(file), spec))
        const to = layerOf(target)
        if (!to || to.folder === from.folder) continue
        if (to.rank < from.rank) continue
        const line = text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0)
        const why = to.rank === from.rank ? 'a sibling folder of the same layer' : 'a higher layer'
        problems.push(`${relative(root, file)}:${line}: imports ${target} (${to.folder}, ${why} than ${from.folder})`)
      }
    }
  }
  return problems
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = layerViolations()
  for (const p of problems) console.error(p)
  if (problems.length) {
    console.error(`check-layers: ${problems.length} import(s) point up a layer (layers in scripts/check-layers.mjs)`)
    process.exit(1)
  }
  console.log('check-layers: every import points down a layer')
}
