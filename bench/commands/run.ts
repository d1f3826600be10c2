import type { Command } from '@commander-js/extra-typings'
import { defaultResultsDir } from '../runner/benchmark.ts'
import { executeRun } from '../runner/execute.ts'
import { type RunFlags, runOptions } from '../runner/options.ts'
import { prepareIsolated } from '../runner/prepare-thread.ts'
import { runSummary } from '../runner/run-summary.ts'
import { type CommandContext, GatesFailed } from './options.ts'

async function runCommand(flags: RunFlags, context: CommandContext): Promise<void> {
  const started = new Date()
  const { config, estimate, notice, warnings } = await prepareIsolated(flags)
  for (const warning of warnings) process.stderr.write(`bench: warning: ${warning}\n`)
  const out = flags.out ?? defaultResultsDir(config.scenario.name, started)
  const how = { out, commandLine: context.commandLine, started, restart: flags.restart, quiet: flags.quiet }
  const { result, path } = await executeRun(config, estimate, notice, how)
  process.stdout.write(runSummary(flags.format, config.shard, result, path, started))
  for (const warning of result.warnings) process.stderr.write(`bench: warning: ${warning}\n`)
  if (result.failures.length === 0) return
  if (context.debug)
    for (const f of result.failures) if (f.stack) process.stderr.write(`${f.spec.cell.id}: ${f.stack}\n`)
  const names = result.failures.map((f) => `${f.spec.cell.id} (round ${f.round}: ${f.reason})`)
  throw new GatesFailed(
    `bench: ${result.failures.length} of ${result.cells.length} cells failed, the others were written ` +
      `(errors.csv lists them; rerun the same command to retry only these): ${names.join('; ')}`,
  )
}

export function registerRun(program: Command, context: CommandContext): void {
  runOptions(program.command('run').description('run algorithms over a scenario and write a results folder')).action(
    (flags) => runCommand(flags, context),
  )
}
