/**
 * npm run perf:workers: the default job (`npx bench run`: every built-in, 1 seed, the default
 * throughput budget) with 1 worker thread and with 2, measured by tinybench in one process, and the
 * ratio. Run it alone: the machine's other load shows up directly in the ratio.
 */
import { Bench } from 'tinybench'
import { builtinPluginFiles, loadPluginFile } from '../../algorithms/kit/registry.ts'
import { runBenchmark, seedList, type BenchmarkConfig } from '../runner/benchmark.ts'
import { expandRuns } from '../runner/params.ts'
import { loadScenario } from '../runner/scenario.ts'

const files = builtinPluginFiles()
const plugins = await Promise.all(files.map(loadPluginFile))
const scenario = loadScenario('default')
const config: BenchmarkConfig = {
  scenario,
  scenarioRef: 'default',
  plugins: expandRuns(plugins, [], []).map((run, i) => ({ ...run, source: files[i], file: files[i] })),
  seeds: seedList(scenario, 1),
  benchTimeMs: 300,
}
const counts = [1, 2]
const bench = new Bench({ iterations: Number(process.argv[2] ?? 2), time: 0, warmupIterations: 0, warmupTime: 0 })
for (const workers of counts) bench.add(`${workers} worker(s)`, async () => void (await runBenchmark({ ...config, workers })))
await bench.run()
const seconds = bench.tasks.map((t) => t.result.state === 'completed' ? t.result.latency.mean / 1000 : NaN)
console.log(`default job, ${plugins.length} cells, ${bench.tasks[0].result.state === 'completed' ? bench.tasks[0].result.latency.samplesCount : 0} runs each:`)
counts.forEach((w, i) => console.log(`  ${w} worker(s): ${seconds[i].toFixed(1)} s`))
console.log(`  speed-up with 2 workers: ${(seconds[0] / seconds[1]).toFixed(2)}×`)
