import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.ts'

/** Every file of the repository with one of the extensions (no node_modules, results or git internals). */
function files(extensions: RegExp, dir = ROOT): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.git', 'results', 'test-output', 'scratch'].includes(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...files(extensions, path))
    else if (extensions.test(name)) out.push(path)
  }
  return out
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-')

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')
  const found = new Set<string>()
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    let id = slug(heading)
    for (let n = 1; found.has(id); n++) id = `${slug(heading)}-${n}`
    found.add(id)
  }
  for (const [, id] of text.matchAll(/<a (?:id|name)="([^"]+)"/g)) found.add(id)
  return found
}

describe('the documentation stands alone', () => {
  it('every relative link in the Markdown files resolves inside the repository, anchors included', () => {
    const broken: string[] = []
    for (const file of files(/\.md$/)) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(target)) continue
        const [path, anchor] = target.split('#')
        const resolved = path ? resolve(dirname(file), path) : file
        const where = `${relative(ROOT, file)} → ${target}`
        if (relative(ROOT, resolved).startsWith('..')) broken.push(`${where}: outside the repository`)
        else if (!existsSync(resolved)) broken.push(`${where}: no such file`)
        else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
          broken.push(`${where}: no heading #${anchor}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('no source, document or data file refers to the workspace outside the repository', () => {
    // Spelled in two parts so that this file, too, passes the grep.
    const outside = ['shared', '/'].join('')
    const mentions = files(/\.(ts|mts|js|mjs|md|json|py)$/)
      .filter((f) => !f.endsWith('package-lock.json'))
      .filter((f) => readFileSync(f, 'utf8').includes(outside))
      .map((f) => relative(ROOT, f))
    expect(mentions).toEqual([])
  })
})
