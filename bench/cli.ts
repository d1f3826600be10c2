import { Command, CommanderError } from 'commander'
import { InputError } from '../datasets/errors.ts'
import { registerCompare } from './commands/compare.ts'
import { registerFacts } from './commands/facts.ts'
import { registerList } from './commands/list.ts'
import { registerMetrics } from './commands/metrics.ts'
import { GatesFailed } from './commands/options.ts'
import { registerReport } from './commands/report.ts'
import { registerRun } from './commands/run.ts'
import { PluginOutputError } from './market/types.ts'

const EXIT_USAGE = 2
const EXIT_FAILURE = 1
const debug = process.argv.includes('--debug')

export function buildProgram(): Command {
  const program = new Command('bench')
    .description('trafficbench: benchmark marketplace traffic-allocation and ranking algorithms on a seeded synthetic market')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
  for (const register of [registerRun, registerCompare, registerFacts, registerReport, registerList, registerMetrics]) register(program)
  program.commands.forEach((c) => c.exitOverride().showHelpAfterError('(run with --help for usage)').option('--debug', 'print stack traces on errors'))
  return program
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE
    if (err instanceof GatesFailed) {
      process.stderr.write(`${err.message}\n`)
      return EXIT_FAILURE
    }
    if (err instanceof InputError) {
      process.stderr.write(`bench: ${err.message}\n`)
      if (debug) process.stderr.write(`${err.stack}\n`)
      return EXIT_USAGE
    }
    const message = err instanceof Error ? err.message : String(err)
    process.stderr.write(`bench: ${err instanceof PluginOutputError ? '' : 'failed: '}${message}\n`)
    if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`)
    else process.stderr.write('(run again with --debug for a stack trace)\n')
    return EXIT_FAILURE
  }
}

process.exitCode = await main(process.argv)
