/**
 * `npm run perf:log [ROWS]`: times `bench metrics` on a generated impression log of ROWS rows
 * (default 1,000,000) in each format, and reports each run's wall time and peak RSS. The log is
 * written by the simulator's own writer over the default scenario's catalog, with seeded random
 * sessions; gzip'd CSV, plain CSV and Parquet hold the same rows. Figures depend on the machine
 * and its load; they are printed, never asserted.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { parquetWriteFile } from 'hyparquet-writer'
import { ARCHETYPES, type Catalog, SIZE_TIERS } from '../../core/catalog.ts'
import { toCsv } from '../../core/csv.ts'
import { makeRng, randomInt } from '../../core/rng.ts'
import { generateCatalog } from '../../datasets/generate.ts'
import type { SessionOutcome } from '../log/write.ts'
import { ImpressionLogWriter } from '../log/write.ts'
import { loadScenario } from '../runner/plan/scenario.ts'
import { measureBench } from './child.ts'

/** Slot positions 1 … K. */
const POSITIONS = Int32Array.from({ length: 64 }, (_, i) => i + 1)
const K = 20
const ROUNDS = 30

/** Seeded sessions until `rows` impression rows are written; every 50th session shows nothing. */
function writeLog(
  file: string,
  catalog: Catalog,
  rows: number,
): { sessions: number; writerSeconds: number; columns: Record<string, unknown[]> } {
  const rng = makeRng(1, 'perf-log')
  const writer = new ImpressionLogWriter(file, catalog)
  const perRound = Math.ceil(rows / K / ROUNDS)
  const products = new Int32Array(K)
  const cpc = new Float64Array(K)
  const clicked = new Uint8Array(K)
  const columns: Record<string, unknown[]> = Object.fromEntries(
    [
      'session_id',
      'round',
      'position',
      'product_id',
      'seller_id',
      'sponsored',
      'clicked',
      'purchased',
      'price',
      'cpc',
      'category',
    ].map((c) => [c, []]),
  )
  const { categories } = catalog
  let written = 0
  let writing = 0
  let session = 0
  for (; written < rows; session++) {
    const category = randomInt(rng, categories.count)
    const pool = categories.products.subarray(categories.start[category], categories.start[category + 1])
    const want = session % 50 === 49 ? 0 : Math.min(K, pool.length, rows - written)
    // Distinct products per session, as a ranker shows them, skewed towards the category's head.
    const seen = new Set<number>()
    let kept = 0
    while (kept < want) {
      const p = pool[Math.floor(pool.length * rng() ** 2)]
      if (seen.has(p)) continue
      seen.add(p)
      products[kept] = p
      cpc[kept] = kept < 4 && rng() < 0.5 ? Math.round(20 + 100 * rng()) / 100 : 0
      clicked[kept] = rng() < 0.1 ? 1 : 0
      kept++
    }
    const bought = clicked.subarray(0, kept).indexOf(1)
    const o: SessionOutcome = {
      round: Math.floor(session / perRound),
      session,
      category,
      count: kept,
      products,
      position: POSITIONS,
      sponsored: Uint8Array.from(cpc, (c) => (c > 0 ? 1 : 0)),
      cpc,
      clicked,
      purchasedSlot: bought,
      retailPrice: bought >= 0 ? catalog.products.price[products[bought]] : 0,
    }
    const t = performance.now()
    writer.write(o)
    writing += performance.now() - t
    for (let i = 0; i < Math.max(1, kept); i++) {
      const p = products[i]
      const shown = kept > 0
      const row = [
        String(session),
        o.round,
        shown ? i + 1 : null,
        shown ? catalog.products.id.at(p) : null,
        shown ? catalog.sellers.id[catalog.products.seller[p]] : null,
        shown && cpc[i] > 0,
        shown && clicked[i] === 1,
        shown && i === bought,
        shown && i === bought ? o.retailPrice : null,
        shown && cpc[i] > 0 && clicked[i] ? cpc[i] : null,
        shown ? categories.name[catalog.products.category[p]] : null,
      ]
      Object.values(columns).forEach((column, c) => {
        column.push(row[c])
      })
    }
    written += Math.max(1, kept)
  }
  const t = performance.now()
  writer.close()
  return { sessions: session, writerSeconds: (writing + performance.now() - t) / 1000, columns }
}

function measure(args: string[]) {
  return measureBench(['metrics', ...args])
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000)
  const dir = mkdtempSync(join(tmpdir(), 'trafficbench-perf-log-'))
  try {
    const catalog = generateCatalog(loadScenario('default').catalog, 1, ROUNDS)
    const gz = join(dir, 'impressions.csv.gz')
    const { sessions, writerSeconds, columns } = writeLog(gz, catalog, rows)
    const csv = join(dir, 'impressions.csv')
    await pipeline(createReadStream(gz), createGunzip(), createWriteStream(csv))
    const parquet = join(dir, 'impressions.parquet')
    const types = [
      'STRING',
      'INT32',
      'INT32',
      'STRING',
      'STRING',
      'BOOLEAN',
      'BOOLEAN',
      'BOOLEAN',
      'DOUBLE',
      'DOUBLE',
      'STRING',
    ] as const
    parquetWriteFile({
      filename: parquet,
      columnData: Object.entries(columns).map(([name, data], i) => ({ name, data, type: types[i] })),
    })
    const sellers = join(dir, 'sellers.csv')
    const s = catalog.sellers
    writeFileSync(
      sellers,
      toCsv(
        ['seller_id', 'join_round', 'size_tier', 'archetype'],
        s.id.map((id, i) => ({
          seller_id: id,
          join_round: s.joinRound[i],
          size_tier: SIZE_TIERS[s.sizeTier[i]],
          archetype: ARCHETYPES[s.archetype[i]],
        })),
      ),
    )

    const mb = (f: string) => (statSync(f).size / 2 ** 20).toFixed(1)
    process.stdout.write(
      `log: ${rows} rows, ${sessions} sessions, ${ROUNDS} rounds, ${s.count} sellers, ${catalog.products.count} ` +
        `products (default scenario's catalog)\n`,
    )
    process.stdout.write(
      `log writer: ${writerSeconds.toFixed(2)} s for ${rows} rows (gzip'd CSV ${mb(gz)} MB; plain CSV ${mb(csv)} ` +
        `MB; Parquet ${mb(parquet)} MB)\n\n`,
    )
    process.stdout.write(`${'bench metrics on'.padEnd(20)}${'wall s'.padStart(8)}${'peak RSS MB'.padStart(13)}\n`)
    for (const [label, file] of [
      ['csv.gz', gz],
      ['csv', csv],
      ['parquet', parquet],
    ]) {
      const r = measure(['--log', file, '--sellers', sellers, '--out', join(dir, `out-${label}`)])
      if (!r.ok) throw new Error(`bench metrics failed on ${file}:\n${r.stderr}`)
      process.stdout.write(
        `${label.padEnd(20)}${r.seconds.toFixed(1).padStart(8)}${r.peakMb.toFixed(0).padStart(13)}\n`,
      )
    }
    process.stdout.write(
      '\nGoals: < 10 s and < 300 MB for 1,000,000 rows. Wall time includes starting node and tsx (~1 s).\n',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
