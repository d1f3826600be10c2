#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so no build step is needed after `npm install`.
import { readFileSync } from 'node:fs'
import { registerKitResolver } from '../bench/plugins/resolve-hook.js'

const root = new URL('..', import.meta.url)

/** One of the kit's own packages cannot be found: the dependencies were never installed; say so in one line. */
function missingDependency(err) {
  const name = err?.code === 'ERR_MODULE_NOT_FOUND' && /Cannot find package '([^']+)'/.exec(String(err.message))?.[1]
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
  if (!name || !(name in { ...manifest.dependencies, ...manifest.devDependencies })) throw err
  process.stderr.write(`bench: ${name} is not installed: run npm ci first (in ${root.pathname})\n`)
  process.exit(2)
}

const { register } = await import('tsx/esm/api').catch(missingDependency)
register()
registerKitResolver()
await import('../bench/cli.ts').catch(missingDependency)
