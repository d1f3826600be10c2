import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, benchProcess, exited, ROOT, tempDir, until } from './helpers/cli.ts'

// A plugin reads trained weights from a file it declares (files: ['weights.json']). A run killed
// part-way, its weights changed, then resumed with the same command, must rerun every cell that read
// the old weights: the folder ends up exactly as a clean run with the new weights writes it.
describe('resume after a plugin file changed', () => {
  it('reruns the cells whose declared files changed: the result equals a clean run with the new weights', async () => {
    const work = tempDir('trafficbench-resume-')
    const plugin = join(work, 'plugin')
    cpSync(join(ROOT, 'test/fixtures/plugins/weighted'), plugin, { recursive: true })
    const weights = (price: number) => writeFileSync(join(plugin, 'weights.json'), JSON.stringify({ price }))
    const args = (out: string) => [
      'run',
      ...['--scenario', 'small', '--rounds', '8', '--seeds', '4', '--workers', '1', '--bench-time', '0'],
      ...['--plugin', join(plugin, 'weighted.mts'), '--algorithms', 'weighted', '--out', out],
    ]
    weights(0.8)
    expect(bench(args(join(work, 'clean'))).code).toBe(0)

    weights(0.2)
    const out = join(work, 'resumed')
    const victim = benchProcess(args(out))
    const store = `${out}.cells`
    await until(() => {
      try {
        return readdirSync(store).some((f) => /^[0-9a-f]{64}\.json$/.test(f))
      } catch {
        return false
      }
    }, 20)
    victim.kill('SIGKILL')
    await exited(victim)
    const kept = readdirSync(store).filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).length
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(4) // killed part-way

    weights(0.8)
    const resumed = bench(args(out))
    expect(resumed.stderr).toBe('')
    expect(resumed.code).toBe(0)
    // Nothing was reused from the old weights: every row is the clean run's.
    expect(resumed.stdout).not.toMatch(/reused/)
    for (const file of ['summary.csv', 'rounds.csv', 'sellers.csv'])
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(work, 'clean', file), 'utf8'))

    // Shards run with different weights are cells of different runs: merge refuses them.
    const shard = (n: number) => [...args(join(work, `shard${n}`)), '--shard', `${n}/2`]
    expect(bench(shard(0)).code).toBe(0)
    weights(0.2)
    expect(bench(shard(1)).code).toBe(0)
    const merged = bench(['merge', join(work, 'shard0'), join(work, 'shard1'), '--out', join(work, 'merged')])
    expect(merged.code).not.toBe(0)
    expect(merged.stderr).toMatch(/holds cells of another run .*a plugin's files differ/)
  })
})
