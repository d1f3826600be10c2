import { Bench } from 'tinybench'
import type { Session } from '../../algorithms/kit/contract.ts'
import { Slots } from '../../algorithms/kit/slots.ts'
import type { RunOutcome } from '../market/engine.ts'
import type { Row, RowKeys } from '../metrics/summarize.ts'

/**
 * throughput.csv's row for one run: sessions/s of the whole simulation, and rank() speed measured
 * by tinybench replaying the sessions captured in the last round through the run's own ranker
 * (its state as the run left it). timeMs is tinybench's time budget for the task.
 */
export async function throughputRow(keys: RowKeys, o: RunOutcome, k: number, timeMs: number): Promise<Row> {
  const sessions: Session[] = o.captured.map((c) => ({ ...c, k, n: c.candidates.length }))
  let rank = { ops: 0, p50: 0, p99: 0 }
  if (sessions.length > 0 && timeMs > 0) {
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
    if (result.state !== 'completed') throw new Error(`throughput of ${keys.algorithm} could not be measured: ${result.state}`)
    rank = { ops: result.throughput.mean, p50: result.latency.p50 * 1000, p99: result.latency.p99 * 1000 }
  }
  return {
    ...keys,
    sessions_per_sec: o.elapsedMs > 0 ? (o.sessions / o.elapsedMs) * 1000 : 0,
    rank_ops_per_sec: rank.ops,
    rank_p50_us: rank.p50,
    rank_p99_us: rank.p99,
  }
}
