import { Bench } from 'tinybench'
import type { Session } from '../../../algorithms/kit/contract.ts'
import { Slots } from '../../../algorithms/kit/slots.ts'
import type { Row } from '../../../core/csv.ts'
import type { RunOutcome } from '../../market/types.ts'
import type { RowKeys } from '../../metrics/summarize.ts'

/**
 * throughput.csv's row for one run: sessions/s of the timed simulation (after its warm-up), rank()
 * speed measured by tinybench replaying the sessions captured in the last round through the run's
 * own ranker (its state as the run left it), and the run's peak memory. timeMs is tinybench's
 * budget; with 0 nothing is measured and every figure is written empty.
 */
export async function throughputRow(keys: RowKeys, o: RunOutcome, k: number, timeMs: number): Promise<Row> {
  const unmeasured = {
    sessions_per_sec: '',
    rank_ops_per_sec: '',
    rank_p50_us: '',
    rank_p99_us: '',
    peak_memory_mb: '',
  }
  if (timeMs <= 0) return { ...keys, ...unmeasured }
  const sessions: Session[] = o.captured.map((c) => ({ ...c, k, n: c.candidates.length }))
  let rank: Row = { rank_ops_per_sec: '', rank_p50_us: '', rank_p99_us: '' }
  if (sessions.length > 0) {
    const slots = new Slots(k)
    let next = 0
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 4), iterations: 1 })
    bench.add('rank', () => {
      slots.clear()
      o.ranker.rank(sessions[next], slots)
      next = next + 1 === sessions.length ? 0 : next + 1
    })
    await bench.run()
    const result = bench.tasks[0].result
    if (result.state !== 'completed')
      throw new Error(`throughput of ${keys.algorithm} could not be measured: ${result.state}`)
    rank = {
      rank_ops_per_sec: result.throughput.mean,
      rank_p50_us: result.latency.p50 * 1000,
      rank_p99_us: result.latency.p99 * 1000,
    }
  }
  return {
    ...keys,
    sessions_per_sec: o.elapsedMs > 0 ? (o.timedSessions / o.elapsedMs) * 1000 : '',
    ...rank,
    peak_memory_mb: o.peakMemoryBytes / 2 ** 20,
  }
}
