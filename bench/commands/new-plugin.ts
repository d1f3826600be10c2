import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { Command } from '@commander-js/extra-typings'
import { InputError } from '../../core/errors.ts'
import { KIT_ROOT } from '../../core/paths.ts'

const ROOT = KIT_ROOT
const TEMPLATE = join(ROOT, 'algorithms/kit/template')
const BUILTIN_DIR = join(ROOT, 'algorithms')
/** The name the template files use, replaced by the new plugin's. */
const PLACEHOLDER = 'my-plugin'

/** Whether files in dir load as ES modules when named .ts/.js: the nearest package.json says "type": "module". */
function inModulePackage(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const manifest = join(d, 'package.json')
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module'
      } catch {
        return false
      }
    }
    if (dirname(d) === d) return false
  }
}

/** A relative import specifier from one folder to a file ("./x.mts", "../algorithms/x.ts"). */
function importPath(fromDir: string, file: string): string {
  const path = relative(fromDir, file).split('\\').join('/')
  return path.startsWith('.') ? path : `./${path}`
}

const PYTHON_TEMPLATE = join(ROOT, 'clients/python/template')

/** A Python ranker (my_plugin.py) and its unittest (test_my_plugin.py), from clients/python/template. */
function newPythonPlugin(name: string, dir: string): void {
  const module = name.replaceAll('-', '_')
  const pluginFile = join(dir, `${module}.py`)
  const testFile = join(dir, `test_${module}.py`)
  for (const file of [pluginFile, testFile])
    if (existsSync(file)) throw new InputError(`new-plugin ${name}: ${file} already exists; nothing was written`)
  const fill = (template: string) =>
    readFileSync(join(PYTHON_TEMPLATE, template), 'utf8').replaceAll(PLACEHOLDER, name).replaceAll('my_plugin', module)
  writeFileSync(pluginFile, fill('ranker.py'), { flag: 'wx' })
  writeFileSync(testFile, fill('test_ranker.py'), { flag: 'wx' })
  const shown = (file: string) => (relative('.', file).startsWith('..') ? file : relative('.', file))
  process.stdout.write(
    `${[
      `Wrote ${shown(pluginFile)} and ${shown(testFile)}. Next:`,
      `  bench check ${shown(pluginFile)}                # the conformance checks`,
      `  bench run --plugin ${shown(pluginFile)} --algorithms ${name},relevance --scenario small`,
      `  PYTHONPATH=${join(ROOT, 'clients/python')} python3 -m unittest ${shown(testFile)}   # its tests`,
    ].join('\n')}\n`,
  )
}

function newPluginCommand(name: string, opts: { dir: string; python?: boolean }): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    throw new InputError(
      `new-plugin ${name}: a plugin name is lower-case letters, digits and dashes, starting with a letter (e.g. ` +
        `cheapest-first)`,
    )
  const dir = resolve(opts.dir)
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(`new-plugin --dir ${opts.dir}: no such folder`)
  if (opts.python) {
    newPythonPlugin(name, dir)
    return
  }
  // .mts loads as an ES module anywhere; .ts only inside an ES-module package (as this project is).
  const ext = inModulePackage(dir) ? '.ts' : '.mts'
  const pluginFile = join(dir, `${name}${ext}`)
  // A test beside a built-in would be listed as a plugin itself: built-ins get theirs in test/.
  const testDir = resolve(dir) === BUILTIN_DIR ? join(ROOT, 'test') : dir
  const testFile = join(testDir, `${name}.test${ext}`)
  for (const file of [pluginFile, testFile])
    if (existsSync(file)) throw new InputError(`new-plugin ${name}: ${file} already exists; nothing was written`)
  const fill = (template: string) => readFileSync(join(TEMPLATE, template), 'utf8').replaceAll(PLACEHOLDER, name)
  const test = fill('plugin.test.ts').replaceAll("'./plugin.ts'", `'${importPath(testDir, pluginFile)}'`)
  writeFileSync(pluginFile, fill('plugin.ts'), { flag: 'wx' })
  writeFileSync(testFile, test, { flag: 'wx' })
  const shown = (file: string) => (relative('.', file).startsWith('..') ? file : relative('.', file))
  process.stdout.write(
    `${[
      `Wrote ${shown(pluginFile)} and ${shown(testFile)}. Next:`,
      `  bench check ${shown(pluginFile)}                # the conformance checks`,
      `  bench run --plugin ${shown(pluginFile)} --algorithms ${name},relevance --scenario small`,
      `  npx vitest run ${shown(testFile)}              # its tests (vitest and trafficbench installed beside it)`,
    ].join('\n')}\n`,
  )
}

export function registerNewPlugin(program: Command): void {
  program
    .command('new-plugin')
    .description('write a working plugin file and its test from the template (TypeScript and vitest, or Python)')
    .argument('<name>', 'the plugin name: lower-case letters, digits and dashes')
    .option('--dir <dir>', 'the folder to write into (algorithms/ of this project makes it a built-in)', '.')
    .option('--python', 'a Python ranker (NAME.py, with the client of clients/python) and its unittest')
    .action(newPluginCommand)
}
