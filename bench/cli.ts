import { readFileSync } from 'node:fs'
import { Command, CommanderError } from '@commander-js/extra-typings'
import { InputError } from '../core/errors.ts'
import { kitPath } from '../core/paths.ts'
import { registerCalibrate } from './commands/calibrate.ts'
import { registerCheck } from './commands/check.ts'
import { registerCompare } from './commands/compare.ts'
import { registerFacts } from './commands/facts.ts'
import { registerList } from './commands/list.ts'
import { registerMerge } from './commands/merge.ts'
import { registerMetrics } from './commands/metrics.ts'
import { registerNewPlugin } from './commands/new-plugin.ts'
import { type CommandContext, GatesFailed } from './commands/options.ts'
import { registerReport } from './commands/report.ts'
import { registerRerank } from './commands/rerank.ts'
import { registerRun } from './commands/run.ts'
import { PluginOutputError } from './market/types.ts'
import { OutputError } from './runner/folder/out-dir.ts'

const EXIT_USAGE = 2
const EXIT_FAILURE = 1
const { version } = JSON.parse(readFileSync(kitPath('package.json'), 'utf8'))

/** Every error is reported on one line of stderr (a stack trace only with --debug). */
const oneLine = (message: string) => message.trim().replace(/\s*\n\s*/g, ' ')
/** Commander's usage errors (and their "Did you mean" hints) likewise, with where to look. */
const oneLineErrors = {
  outputError: (message: string, write: (s: string) => void) =>
    write(`bench: ${oneLine(message).replace(/^error: /, '')} (see --help)\n`),
}

export function buildProgram(context: CommandContext): Command {
  const program = new Command('bench')
    .description(
      'trafficbench: benchmark marketplace traffic-allocation and ranking algorithms on a seeded synthetic market',
    )
    .version(version, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput(oneLineErrors)
  for (const register of [
    registerRun,
    registerCompare,
    registerFacts,
    registerReport,
    registerList,
    registerMetrics,
    registerCalibrate,
    registerRerank,
    registerMerge,
    registerCheck,
    registerNewPlugin,
  ])
    register(program, context)
  for (const c of program.commands)
    c.exitOverride().configureOutput(oneLineErrors).option('--debug', 'print stack traces on errors')
  return program
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug')
  try {
    await buildProgram({ commandLine: ['bench', ...argv.slice(2)], debug }).parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE
    if (err instanceof GatesFailed) {
      process.stderr.write(`${err.message}\n`)
      return EXIT_FAILURE
    }
    if (err instanceof InputError || err instanceof OutputError) {
      process.stderr.write(`bench: ${oneLine(err.message)}\n`)
      if (debug) process.stderr.write(`${err.stack}\n`)
      return err instanceof InputError ? EXIT_USAGE : EXIT_FAILURE
    }
    const message = err instanceof Error ? err.message : String(err)
    const failed = err instanceof PluginOutputError ? '' : 'failed: '
    const hint = debug ? '' : ' (run again with --debug for a stack trace)'
    process.stderr.write(`bench: ${failed}${oneLine(message)}${hint}\n`)
    if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`)
    return EXIT_FAILURE
  }
}

// Output piped into a program that stops reading (| head) ends the write quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
})
process.exitCode = await main(process.argv)
