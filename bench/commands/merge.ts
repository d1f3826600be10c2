import type { Command } from 'commander'
import { mergeFolders } from '../runner/folder/merge.ts'
import { claimResultsFolder } from '../runner/folder/out-dir.ts'

async function mergeCommand(dirs: string[], opts: { out: string }): Promise<void> {
  const started = new Date()
  const files = mergeFolders(dirs, ['bench', ...process.argv.slice(2)].join(' '), started)
  const size = Object.values(files).reduce((n, f) => n + (typeof f === 'string' ? f.length : 0), 0)
  claimResultsFolder(opts.out, size).write(files)
  const cells = JSON.parse(files['manifest.json'] as string).plan.cells.length
  process.stdout.write(`Merged ${cells} cells from ${dirs.length} folder(s) into ${opts.out}/\n`)
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description("assemble the results folders of one run's shards (bench run --shard) into one results folder")
    .argument('<dirs...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'the merged results folder (a new or empty folder, or one an earlier run wrote)')
    .action(mergeCommand)
}
