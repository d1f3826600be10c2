import type { Command } from '@commander-js/extra-typings'
import { mergeFolders } from '../runner/folder/merge.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'
import type { CommandContext } from './options.ts'

async function mergeCommand(dirs: string[], opts: { out: string }, context: CommandContext): Promise<void> {
  const started = new Date()
  const files = mergeFolders(dirs, context.commandLine.join(' '), started)
  const size = Object.values(files).reduce((n, f) => n + (typeof f === 'string' ? f.length : 0), 0)
  claimResultsFolder(opts.out, size).write(files)
  const cells = JSON.parse(files['manifest.json'] as string).plan.cells.length
  process.stdout.write(`Merged ${cells} cells from ${dirs.length} folder(s) into ${opts.out}/\n`)
}

export function registerMerge(program: Command, context: CommandContext): void {
  program
    .command('merge')
    .description("assemble the results folders of one run's shards (bench run --shard) into one results folder")
    .argument('<dirs...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'the merged results folder (a new or empty folder, or one an earlier run wrote)')
    .action((dirs, opts) => mergeCommand(dirs, opts, context))
}
