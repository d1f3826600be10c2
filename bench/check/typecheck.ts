import { join, resolve } from 'node:path'
import ts from 'typescript'
import { KIT_ROOT } from '../../core/paths.ts'

const ROOT = KIT_ROOT
/** The package exports a plugin imports, mapped as algorithms/kit/resolve-hook.js maps them at run time. */
const PACKAGE_PATHS = {
  'trafficbench/kit': [join(ROOT, 'algorithms/kit/index.ts')],
  'trafficbench/check': [join(ROOT, 'bench/check/index.ts')],
}

/**
 * Type-checks plugin files against the kit with the project's compiler options, wherever the files
 * are: `trafficbench/kit` resolves to this kit as it does at run time (algorithms/kit/resolve-hook.js),
 * and Node's types come from the kit's own node_modules. JavaScript files are checked too (checkJs).
 * Returns each file's errors, one line each ("file:line:col message"); only the plugin files'
 * own errors count, not the kit's.
 */
export function typeCheck(files: string[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )
  if (!config) throw new Error("cannot read the kit's tsconfig.json")
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // A plugin's unused locals are its author's business, not a conformance failure.
    noUnusedLocals: false,
    noUnusedParameters: false,
    allowJs: true,
    checkJs: true,
    paths: PACKAGE_PATHS,
    typeRoots: [join(ROOT, 'node_modules/@types')],
  }
  const rootNames = files.map((f) => resolve(f))
  const program = ts.createProgram({ rootNames, options })
  const errors = new Map(rootNames.map((f) => [f, [] as string[]]))
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? resolve(d.file.fileName) : undefined
    const own = file ? errors.get(file) : undefined
    if (file && !own) continue
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ')
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    const line = at ? `${d.file!.fileName}:${at.line + 1}:${at.character + 1} ${text}` : text
    for (const list of own ? [own] : errors.values()) list.push(line)
  }
  return errors
}
