#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so no build step is needed after `npm install`.
import { register } from 'tsx/esm/api'
import { registerKitResolver } from '../bench/plugins/resolve-hook.js'

register()
registerKitResolver()
await import('../bench/cli.ts')
