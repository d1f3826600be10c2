import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { freemem, totalmem } from 'node:os'
import { join } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { InputError } from '../../../core/errors.ts'
import type { Scenario } from './scenario.ts'

/**
 * What a run costs today, measured on the 2-core reference machine (Node 20, `bench run
 * --bench-time 0`, peak RSS from /usr/bin/time). The engine is being made leaner: re-measure and
 * update these when it changes (how each was measured is beside it).
 */
export const COSTS = {
  /**
   * Peak RSS with the kit loaded and nothing to simulate, after subtracting the terms below from a 1-plugin run of
   * `default` at 2 rounds × 50 sessions (164 MB).
   */
  baseBytes: 120e6,
  /**
   * Per product of the catalog (typed-array columns, topic vectors; the run writes the cell's catalog itself), the
   * plugin's view and the round's tallies: npm run perf, amazon at 200,000 → 1,000,000 products:
   * 212 → 453 MB peak RSS.
   */
  bytesPerProduct: 315,
  /** Per buyer: 20,000 → 200,000 buyers took 164 → 189 MB. */
  bytesPerBuyer: 143,
  /**
   * Per row of sellers.csv (seller × run × seed) or rounds.csv (round × run × seed), all on the JS
   * heap until the files are written: 2,000 → 80,000 seller rows (8 plugins × 5 seeds) took 164 → 492 MB.
   */
  bytesPerResultRow: 4300,
  /**
   * Per seller and round of the run being simulated (its round tallies): 2 → 200 rounds of `default`
   * took 164 → 169 MB.
   */
  bytesPerSellerRound: 12,
  /** Sessions per second of the default job (10 plugins, 1.5 M sessions in 57 s of simulation, from throughput.csv). */
  sessionsPerSecond: 26_300,
  /** …at this many products per category (default: 50,000 products in 100 categories). */
  referenceProductsPerCategory: 500,
  /**
   * Sessions/s fall as (products per category)^−this (retrieval is bounded; per-round work is not): npm run perf,
   * amazon 22.5k → 15.5k → 8.2k sessions/s at 500, 2,000, 10,000 per category.
   */
  candidateCostExponent: 0.3,
  /**
   * A worker thread with the kit loaded through tsx, per cell (assumption: a fresh Node isolate's heap and tsx's
   * transforms, about as much as the main thread's startup).
   */
  workerBytes: 60e6,
  workerStartupSeconds: 0.5,
  /**
   * Catalog generation, per product and cell (each cell builds its seed's market in its own thread; 50,000 products:
   * 0.27 s; 500,000: 1.5 s).
   */
  secondsPerProduct: 3e-6,
  /**
   * Seller dynamics between rounds, per product and round of a run (`small`, 1 session a round: 8,000 more rounds took
   * 1.7 s).
   */
  secondsPerProductRound: 7e-8,
  /**
   * report.html, per row of sellers.csv (parsing and grouping, linear since groups are appended to in place): 72,000
   * rows of 3 plugins took 3.4 s.
   */
  reportSecondsPerSellerRow: 5e-5,
  /** Node, tsx and the plugins loading. */
  startupSeconds: 1.3,
  /** Written bytes: report.html without data (Chart.js inlined), and per row of each file. */
  outputBaseBytes: 300e3,
  outputBytesPerSellerRow: 80,
  outputBytesPerRoundRow: 90,
  outputBytesPerRun: 800,
  /**
   * Per seller and round of a run (--seller-rounds), in the file and as text on the heap until it is written: the
   * default job's seller_rounds.csv is 30.5 MB for 600,000 sellers × rounds × runs (522,000 rows: sellers yet to
   * enter or gone have none).
   */
  outputBytesPerSellerRoundRow: 51,
  /**
   * An impression log (--write-log), gzipped, per slot shown: `small`'s 7,200 sessions × 20 slots of relevance wrote
   * 1.12 MB (measured 2026-12-06).
   */
  logBytesPerImpression: 7.8,
} as const

/** Runs estimated longer than this get their estimate printed on stderr before they start. */
export const LONG_RUN_SECONDS = 120

export interface PlanSize {
  products: number
  sellers: number
  buyers: number
  categories: number
  rounds: number
  sessionsPerRound: number
  /** Plugin configurations (variants count each). */
  runs: number
  seeds: number
  benchTimeMs: number
  /** Speed measurements per cell (--repeat, default 1): each after the first simulates the cell again. */
  repeat?: number
  /** seller_rounds.csv is written (--seller-rounds). */
  sellerRounds?: boolean
  /** Impression logs are written (--write-log), with this many slots a session. */
  logSlots?: number
  /** Only the summary rows are kept (a point of bench facts --vary beyond the base): no seller or round rows. */
  summaryOnly?: boolean
}

export interface Estimate {
  /** Peak resident memory. */
  peakBytes: number
  /** The part of peakBytes on V8's heap (result rows), bounded by its heap limit. */
  heapBytes: number
  seconds: number
  outputBytes: number
}

/**
 * A scenario's plan in numbers. An imported catalog (--catalog DIR) counts its CSV rows; its
 * categories are only known once read, so the scenario's count stands in.
 */
export function planSize(
  scenario: Scenario,
  plan: {
    runs: number
    seeds: number
    benchTimeMs: number
    catalogDir?: string
    repeat?: number
    sellerRounds?: boolean
    writeLog?: boolean
    summaryOnly?: boolean
  },
): PlanSize {
  const rows = (file: string, otherwise: number) =>
    plan.catalogDir && existsSync(join(plan.catalogDir, file)) ? csvRowCount(join(plan.catalogDir, file)) : otherwise
  const { catalog, market } = scenario
  return {
    products: rows('products.csv', catalog.products),
    sellers: rows('sellers.csv', catalog.sellers),
    buyers: catalog.buyers,
    categories: catalog.categories,
    rounds: market.rounds,
    sessionsPerRound: market.sessionsPerRound,
    runs: plan.runs,
    seeds: plan.seeds,
    benchTimeMs: plan.benchTimeMs,
    repeat: plan.repeat ?? 1,
    sellerRounds: !!plan.sellerRounds,
    logSlots: plan.writeLog ? market.slots : 0,
    summaryOnly: !!plan.summaryOnly,
  }
}

/**
 * One run's cost, or several scenarios' run one after the other into one results folder (`bench
 * facts`), with `workers` cells at once: each live cell holds its own catalog and run.
 */
export function estimatePlan(plans: PlanSize[], workers = 1): Estimate {
  let liveBytes = 0
  const total: Estimate = {
    peakBytes: COSTS.baseBytes,
    heapBytes: 0,
    seconds: COSTS.startupSeconds,
    outputBytes: COSTS.outputBaseBytes,
  }
  for (const p of plans) {
    const runs = p.runs * p.seeds
    const repeat = p.repeat ?? 1
    const sellerRows = p.summaryOnly ? 0 : p.sellers * runs
    const sessions = p.rounds * p.sessionsPerRound * runs
    const perSession =
      (p.products / p.categories / COSTS.referenceProductsPerCategory) ** COSTS.candidateCostExponent /
      COSTS.sessionsPerSecond
    // `at once` cells are alive together, each with its catalog and run; every cell's rows are kept until the files are
    // written.
    const atOnce = Math.max(1, Math.min(workers, runs))
    const cellBytes =
      COSTS.workerBytes +
      p.products * COSTS.bytesPerProduct +
      p.buyers * COSTS.bytesPerBuyer +
      p.sellers * p.rounds * COSTS.bytesPerSellerRound
    liveBytes = Math.max(liveBytes, atOnce * cellBytes)
    // seller_rounds.csv's text: each cell's part, then the file joined from them, both on the heap for a moment.
    const sellerRoundBytes = p.sellerRounds ? sellerRows * p.rounds * COSTS.outputBytesPerSellerRoundRow : 0
    total.heapBytes +=
      (sellerRows + (p.summaryOnly ? 1 : p.rounds) * runs) * COSTS.bytesPerResultRow + 2 * sellerRoundBytes
    // Each repeat builds its seed's market and simulates the cell again, then times rank() again.
    const cellSeconds =
      repeat * sessions * perSession +
      runs *
        (COSTS.workerStartupSeconds +
          repeat *
            (p.products * COSTS.secondsPerProduct +
              p.rounds * p.products * COSTS.secondsPerProductRound +
              p.benchTimeMs / 1000))
    total.seconds += cellSeconds / atOnce + sellerRows * COSTS.reportSecondsPerSellerRow
    total.outputBytes +=
      sellerRows * COSTS.outputBytesPerSellerRow +
      sellerRoundBytes +
      runs * ((p.summaryOnly ? 0 : p.rounds) * COSTS.outputBytesPerRoundRow + repeat * COSTS.outputBytesPerRun) +
      sessions * (p.logSlots ?? 0) * COSTS.logBytesPerImpression
  }
  total.peakBytes += liveBytes + total.heapBytes
  return total
}

export interface MemoryLimits {
  /** What the machine (or its cgroup) has in all. */
  totalBytes: number
  /** What is free now. */
  availableBytes: number
  /** V8's heap limit (--max-old-space-size). */
  heapBytes: number
}

export function memoryLimits(): MemoryLimits {
  const constrained = process.constrainedMemory?.() ?? 0
  const total = constrained > 0 && constrained < totalmem() ? constrained : totalmem()
  return {
    totalBytes: total,
    availableBytes: Math.min(freemem(), total),
    heapBytes: getHeapStatistics().heap_size_limit,
  }
}

/**
 * Refuses (InputError) a plan that cannot fit in memory; otherwise returns a line to print before
 * a long run or one that may not fit in the memory free now, or null.
 */
export function checkPlan(estimate: Estimate, limits: MemoryLimits = memoryLimits()): string | null {
  const summary = `estimated ${bytes(estimate.peakBytes)} of memory and ${duration(estimate.seconds)}`
  if (estimate.peakBytes > limits.totalBytes)
    throw new InputError(
      `this run is too large: ${summary}, but the machine has ${bytes(limits.totalBytes)}; use fewer seeds, ` +
        `algorithms or a smaller catalog`,
    )
  if (estimate.heapBytes > limits.heapBytes)
    throw new InputError(
      `this run is too large: its result rows need an estimated ${bytes(estimate.heapBytes)}, beyond Node's heap ` +
        `limit of ${bytes(limits.heapBytes)}; use fewer seeds, algorithms or sellers (or raise ` +
        `--max-old-space-size)`,
    )
  if (estimate.peakBytes > limits.availableBytes)
    return `bench: ${summary}; only ${bytes(limits.availableBytes)} is free now`
  if (estimate.seconds > LONG_RUN_SECONDS) return `bench: ${summary}`
  return null
}

export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']
  let i = 0
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000
    i++
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toPrecision(2)} ${units[i]}`
}

export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`
  if (seconds < 48 * 3600) return `${(seconds / 3600).toPrecision(2)} h`
  if (seconds < 730 * 86400) return `${Math.round(seconds / 86400)} days`
  return `${Math.round(seconds / (365 * 86400)).toLocaleString('en-US')} years`
}

/**
 * Data rows of a CSV file (its line count less the header), read in chunks: an imported catalog's size before it is
 * parsed.
 */
export function csvRowCount(file: string): number {
  const chunk = Buffer.alloc(1 << 20)
  const fd = openSync(file, 'r')
  let lines = 0
  let last = 10
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (!(n > 0)) break
      for (let i = 0; i < n; i++) if (chunk[i] === 10) lines++
      last = chunk[n - 1]
    }
  } finally {
    closeSync(fd)
  }
  return Math.max(0, lines + (last === 10 ? 0 : 1) - 1)
}
