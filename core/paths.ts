import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The kit's own folder (where package.json is): the one place that knows where this file sits in it. */
export const KIT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A path inside the kit. */
export const kitPath = (...parts: string[]): string => resolve(KIT_ROOT, ...parts)
