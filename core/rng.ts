import seedrandom from 'seedrandom'

/** A uniform [0, 1) generator. Every random draw in the kit comes from one of these. */
export type Rng = () => number

/**
 * One independent, seeded stream per purpose ("catalog", "sessions", "plugin:amazon", …), so that
 * adding draws to one part of the model never shifts the numbers another part sees.
 * Alea is seedrandom's fastest generator; it is deterministic across platforms.
 */
export function makeRng(seed: number, stream: string): Rng {
  return seedrandom.alea(`${seed}:${stream}`) as Rng
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng()
}

export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

/** Standard normal by Box–Muller (one value per call; simple and deterministic). */
export function normal(rng: Rng): number {
  let u = rng()
  while (u <= 1e-12) u = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

export function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng))
}

/** Standard Gumbel draw: the noise of a multinomial-logit choice. */
export function gumbel(rng: Rng): number {
  let u = rng()
  while (u <= 1e-12) u = rng()
  return -Math.log(-Math.log(u))
}

/** Pareto with minimum 1 and tail index alpha (long-tailed seller sizes). */
export function pareto(rng: Rng, alpha: number): number {
  return (1 - rng()) ** (-1 / alpha)
}

/** Zipf weights 1/(rank^s), normalised to sum to 1. */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) total += w[i] = 1 / (i + 1) ** s
  for (let i = 0; i < n; i++) w[i] /= total
  return w
}

/** Cumulative table for drawing indices in proportion to weights with `drawIndex`. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length)
  let total = 0
  for (let i = 0; i < weights.length; i++) c[i] = total += weights[i]
  for (let i = 0; i < c.length; i++) c[i] /= total
  return c
}

/** Index i with probability weights[i], by binary search in a `cumulative` table. */
export function drawIndex(rng: Rng, cum: Float64Array): number {
  const u = rng()
  let lo = 0
  let hi = cum.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cum[mid] > u) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** A Poisson(1) draw (Knuth's method): the weight of one unit in a Poisson bootstrap replicate. */
export function poissonOne(rng: Rng): number {
  const limit = Math.exp(-1)
  let k = 0
  for (let p = rng(); p > limit; p *= rng()) k++
  return k
}
