/**
 * `npm run perf:calibrate [ROWS…]`: times `bench calibrate` (50 bootstrap replicates, --holdout 0.3)
 * and `bench rerank` of two plugins and the logged order (200 bootstrap replicates) on logs the
 * simulator writes (the small scenario with shuffled slates, so propensities are written), at each
 * size (default 1,000,000 and 2,000,000 rows), each command in its own process: wall time and peak
 * RSS, to show how both grow with the log's length. Printed, never asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureBench } from './child.ts'

const ROUNDS = 12
const SLOTS = 20

function main(): void {
  const sizes = process.argv.slice(2).map(Number)
  const dir = mkdtempSync(join(tmpdir(), 'trafficbench-perf-calibrate-'))
  try {
    const scenario = join(dir, 'shuffled.json')
    writeFileSync(
      scenario,
      JSON.stringify({ extends: 'small', name: 'shuffled', market: { rounds: ROUNDS, shuffleSlates: true } }),
    )
    console.log(`${'rows'.padStart(10)}  ${'command'.padEnd(50)}${'wall s'.padStart(8)}${'peak RSS MB'.padStart(13)}`)
    for (const rows of sizes.length ? sizes : [1_000_000, 2_000_000]) {
      const sessions = Math.ceil(rows / SLOTS / ROUNDS)
      const run = join(dir, `run-${rows}`)
      const made = measureBench([
        'run',
        '--scenario',
        scenario,
        '--algorithms',
        'relevance',
        '--sessions',
        String(sessions),
        '--write-log',
        '--bench-time',
        '0',
        '--quiet',
        '--out',
        run,
      ])
      if (!made.ok) throw new Error(made.stderr)
      const log = join(run, 'impressions-relevance-seed1.csv.gz')
      const commands: [string, string[]][] = [
        ['calibrate --holdout 0.3 (bootstrap 50)', ['calibrate', '--log', log, '--holdout', '0.3']],
        [
          'rerank logged, relevance, amazon (bootstrap 200)',
          ['rerank', '--log', log, '--algorithms', 'relevance,amazon', '--quiet'],
        ],
      ]
      for (const [label, args] of commands) {
        const m = measureBench([...args, '--out', join(dir, `out-${rows}`)])
        if (!m.ok) throw new Error(m.stderr)
        const figures = `${m.seconds.toFixed(1).padStart(8)}${m.peakMb.toFixed(0).padStart(13)}`
        console.log(`${String(rows).padStart(10)}  ${label.padEnd(50)}${figures}`)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main()
