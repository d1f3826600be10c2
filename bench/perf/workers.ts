/**
 * npm run perf:workers: the default job (`npx bench run`: every built-in, 1 seed, the default
 * throughput budget) with 1 worker thread and with 2, measured by tinybench in one process, and the
 * ratio. The two alternate (1, 2, 1, 2, …) so a drift in the machine's speed hits both alike. The
 * first run records the cells' times, so every 2-worker run dispatches longest first, as any run
 * after the first on a machine does. Run it alone: other load shows up directly in the ratio.
 */
import { Bench } from 'tinybench'
import { expandRuns } from '../plugins/params.ts'
import { builtinPluginFiles, loadPluginFile } from '../plugins/registry.ts'
import { type BenchmarkConfig, runBenchmark, seedList } from '../runner/benchmark.ts'
import { plannedRun } from '../runner/plan/planned-run.ts'
import { loadScenario } from '../runner/plan/scenario.ts'

const files = builtinPluginFiles()
const plugins = await Promise.all(files.map(loadPluginFile))
const scenario = loadScenario('default')
const config: BenchmarkConfig = {
  scenario,
  scenarioRef: 'default',
  plugins: expandRuns(plugins, [], []).map((run, i) => plannedRun(run, files[i], files)),
  seeds: seedList(scenario, 1),
  benchTimeMs: 300,
}
const counts = [1, 2]
const pairs = Number(process.argv[2] ?? 2)
const samples: number[][] = counts.map(() => [])
for (let pair = 0; pair < pairs; pair++) {
  const bench = new Bench({ iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 })
  for (const workers of counts)
    bench.add(`${workers} worker(s)`, async () => void (await runBenchmark({ ...config, workers })))
  await bench.run()
  bench.tasks.forEach((task, i) => {
    if (task.result.state !== 'completed') throw new Error(`${task.name}: ${task.result.state}`)
    samples[i].push(task.result.latency.mean / 1000)
  })
  console.log(
    `  pair ${pair + 1}: ${samples.map((s, i) => `${counts[i]} worker(s) ${s[pair].toFixed(1)} s`).join(', ')}: ` +
      `${(samples[0][pair] / samples[1][pair]).toFixed(2)}×`,
  )
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
// The median too: one run slowed by the host (this machine is a shared VM) moves the mean, not the median.
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2
}
const [means, medians] = [samples.map(mean), samples.map(median)]
console.log(`default job, ${plugins.length} cells, ${pairs} runs each, alternating (mean, median):`)
counts.forEach((w, i) => {
  console.log(`  ${w} worker(s): ${means[i].toFixed(1)} s, ${medians[i].toFixed(1)} s`)
})
const [meanSpeedUp, medianSpeedUp] = [means[0] / means[1], medians[0] / medians[1]]
console.log(`  speed-up with 2 workers: ${meanSpeedUp.toFixed(2)}× (means), ${medianSpeedUp.toFixed(2)}× (medians)`)
