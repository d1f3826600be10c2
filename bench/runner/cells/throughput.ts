import { Bench } from 'tinybench'
import type { Ranker, Session } from '../../../algorithms/kit/contract.ts'
import { Slots } from '../../../algorithms/kit/slots.ts'
import type { Row } from '../../../core/csv.ts'
import { ASYNC_RANKER } from '../../market/plugin-harness.ts'
import type { RunOutcome } from '../../market/types.ts'
import type { RowKeys } from '../../metrics/summarize.ts'

/**
 * throughput.csv's row for one run (`repeat`: which measurement of its cell): sessions/s of the timed
 * simulation (after its warm-up) and its peak memory, always; rank() speed measured by tinybench
 * replaying the sessions captured in the last round through the run's own ranker (its state as the
 * run left it), within timeMs (0: not measured). A ranker in batch mode is timed on the captured
 * sessions as one batch, reported per session.
 */
export async function throughputRow(
  keys: RowKeys,
  repeat: number,
  o: RunOutcome,
  k: number,
  timeMs: number,
): Promise<Row> {
  const sessions: Session[] = o.captured.map((c) => ({ ...c, k, n: c.candidates.length }))
  const rank = timeMs > 0 && sessions.length > 0 ? await rankSpeed(o.ranker, sessions, k, timeMs, keys) : null
  return {
    ...keys,
    repeat,
    sessions_per_sec: o.elapsedMs > 0 ? (o.timedSessions / o.elapsedMs) * 1000 : '',
    rank_ops_per_sec: rank?.opsPerSec ?? '',
    rank_p50_us: rank?.p50Us ?? '',
    rank_p99_us: rank?.p99Us ?? '',
    peak_memory_mb: o.peakMemoryBytes / 2 ** 20,
  }
}

async function rankSpeed(ranker: Ranker, sessions: Session[], k: number, timeMs: number, keys: RowKeys) {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 4), iterations: 1 })
  const batch = typeof ranker.rankBatch === 'function'
  if (batch) {
    const slots = sessions.map(() => new Slots(k))
    bench.add('rankBatch', async () => {
      for (const s of slots) s.clear()
      await ranker.rankBatch!(sessions, slots)
    })
  } else {
    const slots = new Slots(k)
    let next = 0
    const one = () => {
      slots.clear()
      const pending = ranker.rank(sessions[next], slots) as unknown
      next = next + 1 === sessions.length ? 0 : next + 1
      return pending
    }
    // A ranker in another process answers with a Promise: timed until it settles.
    if (ASYNC_RANKER in ranker) bench.add('rank', async () => void (await one()))
    else bench.add('rank', one)
  }
  await bench.run()
  const result = bench.tasks[0].result
  if (result.state !== 'completed')
    throw new Error(`throughput of ${keys.algorithm} could not be measured: ${result.state}`)
  const per = batch ? sessions.length : 1
  return {
    opsPerSec: result.throughput.mean * per,
    p50Us: (result.latency.p50 * 1000) / per,
    p99Us: (result.latency.p99 * 1000) / per,
  }
}
