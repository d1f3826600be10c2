import { existsSync, readFileSync } from 'node:fs'
import { delimiter, dirname, extname, resolve } from 'node:path'
import { z } from 'zod'
import { InputError, parseOrThrow } from '../../../core/errors.ts'
import { kitPath } from '../../../core/paths.ts'
import type { RemoteSpec } from './transport.ts'

/** A plugin that is not a module: how to reach it, and the files whose content decides its results. */
export interface RemoteSource {
  spec: RemoteSpec
  /** Files and folders it reads (the cell's hash covers them). */
  files: string[]
}

/**
 * A manifest (`--plugin ranker.json`) for a ranker in any language: the command that starts it
 * (relative paths from the manifest's folder), and the files it reads.
 */
const ManifestSchema = z
  .object({
    command: z.array(z.string().min(1)).min(1, 'the command and its arguments, e.g. ["java", "-jar", "ranker.jar"]'),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    files: z.array(z.string()).default([]),
  })
  .strict()

/** The Python client's folder, put on PYTHONPATH for a `.py` plugin. */
const PYTHON_CLIENT = kitPath('clients/python')

/** A `--plugin` argument that names a service (an http or https URL), not a file. */
export const isServiceUrl = (source: string): boolean => /^https?:\/\//i.test(source)

/** A `--plugin` argument that names a process or a service, or null for a module. */
export function remoteSource(path: string): RemoteSource | null {
  if (isServiceUrl(path)) {
    try {
      new URL(path)
    } catch {
      throw new InputError(`--plugin ${path}: not a valid URL`)
    }
    return { spec: { kind: 'http', url: path, label: path }, files: [] }
  }
  const ext = extname(path).toLowerCase()
  if (ext !== '.py' && ext !== '.json') return null
  const file = resolve(path)
  if (!existsSync(file)) throw new InputError(`cannot load plugin ${path}: no such file`)
  if (ext === '.py') {
    const pythonPath = [PYTHON_CLIENT, process.env.PYTHONPATH].filter(Boolean).join(delimiter)
    return {
      spec: {
        kind: 'process',
        command: ['python3', file],
        cwd: dirname(file),
        env: { PYTHONPATH: pythonPath },
        label: path,
      },
      // A Python ranker reads its own folder by default (weights beside it).
      files: [dirname(file)],
    }
  }
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new InputError(`plugin manifest ${path} is not valid JSON: ${(err as Error).message}`)
  }
  const manifest = parseOrThrow(ManifestSchema, data, `plugin manifest ${path}`)
  const base = dirname(file)
  const cwd = resolve(base, manifest.cwd ?? '.')
  const command = manifest.command.map((part, i) =>
    i > 0 && (part.startsWith('./') || part.startsWith('../')) ? resolve(base, part) : part,
  )
  if (command[0].startsWith('./') || command[0].startsWith('../')) command[0] = resolve(base, command[0])
  return {
    spec: { kind: 'process', command, cwd, env: manifest.env, label: path },
    files: [file, ...manifest.files.map((f) => resolve(base, f))],
  }
}
