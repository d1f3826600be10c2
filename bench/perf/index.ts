/**
 * npm run perf: the engine's speed and size, as docs/BENCHMARKS.md reports them.
 *  1. one engine session per plugin ÷ the bare score + top-k kernel (bench/perf/sessions.ts);
 *  2. amazon end to end at 50k, 200k and 1M products in the same 100 categories, each in its own
 *     process (50k and 200k three times, alternating, medians shown): sessions/s, catalog
 *     generation time, peak RSS, and bytes per extra product;
 *  3. the AuctionGym-shaped comparison: amazon sessions/s on default ÷ AuctionGym's second-price
 *     auctions/s measured on this machine class (4.2k–5.6k/s: 2 bidders, 1 slot, no organic
 *     ranking, no buyers; figure from the issue that asked for this, AuctionGym is Python and not run here);
 *  4. the Python twin of relevance, in batch and session mode, against the built-in (bench/perf/process-plugin.ts).
 */
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const tsx = (file: string, args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', join(here, file), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
const AUCTIONGYM_AUCTIONS_PER_SEC = [4200, 5600]

process.stdout.write(tsx('sessions.ts', ['default']))

const REPEATS = 3
console.log(
  `\namazon end to end, default scenario with more products (5 rounds × 5,000 sessions after a warm-up; 50k and ` +
    `200k alternate ${REPEATS}× and show their medians, this VM's speed drifts by tens of percent within ` +
    `minutes):\n`,
)
console.log(
  `${'products'.padStart(9)} ${'sessions/s'.padStart(11)} ${'vs 50k'.padStart(7)} ${'generate s'.padStart(11)} ` +
    `${'peak RSS MB'.padStart(12)}   each run's sessions/s`,
)
type Point = { products: number; sessionsPerSec: number; generateMs: number; peakRssBytes: number }
const cell = (n: number): Point =>
  JSON.parse(
    tsx('scale-cell.ts', [String(n), 'amazon', '5'])
      .trim()
      .split('\n')
      .at(-1)!,
  )
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const runs = new Map<number, Point[]>([
  [50_000, []],
  [200_000, []],
  [1_000_000, []],
])
for (let r = 0; r < REPEATS; r++) for (const n of [50_000, 200_000]) runs.get(n)!.push(cell(n))
runs.get(1_000_000)!.push(cell(1_000_000))
const points = [...runs.values()].map((each) => ({
  ...each[0],
  sessionsPerSec: median(each.map((p) => p.sessionsPerSec)),
  generateMs: median(each.map((p) => p.generateMs)),
  peakRssBytes: median(each.map((p) => p.peakRssBytes)),
  each,
}))
for (const p of points) {
  const relative = (p.sessionsPerSec / points[0].sessionsPerSec).toFixed(2)
  console.log(
    `${String(p.products).padStart(9)} ${p.sessionsPerSec.toFixed(0).padStart(11)} ${relative.padStart(7)} ` +
      `${(p.generateMs / 1000).toFixed(2).padStart(11)} ${(p.peakRssBytes / 2 ** 20).toFixed(0).padStart(12)}   ` +
      `${p.each.map((e) => e.sessionsPerSec.toFixed(0)).join(', ')}`,
  )
}
const [, at200k, at1m] = points
const rssPerProduct = (at1m.peakRssBytes - at200k.peakRssBytes) / (at1m.products - at200k.products)
console.log(`\npeak RSS per extra product, 200k → 1M: ${rssPerProduct.toFixed(0)} B`)
const amazon = points[0].sessionsPerSec
const speedUps = AUCTIONGYM_AUCTIONS_PER_SEC.map((a) => (amazon / a).toFixed(1))
  .reverse()
  .join('–')
console.log(
  `amazon sessions/s on default ÷ AuctionGym second-price auctions/s (${AUCTIONGYM_AUCTIONS_PER_SEC.join('–')}): ` +
    `${speedUps}×`,
)

process.stdout.write(tsx('process-plugin.ts', []))
