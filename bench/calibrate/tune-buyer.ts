import relevance from '../../algorithms/relevance.ts'
import { importCatalog } from '../../datasets/import.ts'
import { type MarketParams, MarketParamsSchema } from '../market/params.ts'
import { runMarket } from '../market/run.ts'
import { defineCollector } from '../market/stream.ts'
import { loadScenario } from '../runner/plan/scenario.ts'
import type { Tally } from './tally.ts'

/**
 * The simulator's buyer has no conversion or click-rate setting: a logit on relevance, rating and price,
 * then a choice against an outside option (docs/MODEL.md). So that a simulation of the calibrated
 * scenario clicks and buys about as the log did, two of its coefficients are tuned by simulation
 * (the method of simulated moments, one moment each): `clickBase` until the clicks per unit of
 * examination match the log's, then `outsideValue` until P(purchase | click) does. The simulated
 * ranker is `relevance` (the log's own ranker is unknown: an assumption); every run uses the same
 * seed, so the moments move smoothly with the coefficients.
 */
export const TUNING = { rounds: 2, sessionsPerRound: 4000, ranker: 'relevance', maxRuns: 14 } as const
/** Close enough: 2% on the click moment, 3% on conversion (about the simulation's own noise at this size). */
const CLICK_TOLERANCE = 0.02
const CONVERSION_TOLERANCE = 0.03
/** outsideValue is searched in this range (the default is 0.6). */
const OUTSIDE_RANGE: [number, number] = [-3, 6]

export interface Moments {
  /** Clicks / Σ examination weight of the impressions: the mean attraction of what was shown. */
  attraction: number
  /** Orders / clicks. */
  conversion: number
}

export interface TunedBuyer {
  clickBase: number
  outsideValue: number
  target: Moments
  reached: Moments
  runs: number
  converged: boolean
}

/** The log's moments, from the fit's tally and the fitted (relative) examination curve. */
export function loggedMoments(tally: Tally, examination: Float64Array): Moments {
  let exposure = 0
  for (let k = 0; k < examination.length; k++)
    if (!Number.isNaN(examination[k])) exposure += tally.positionImpressions[k] * examination[k]
  return { attraction: tally.clicks / exposure, conversion: tally.orders / tally.clicks }
}

/** The moments a simulation of the calibrated market gives: one run of `relevance`, the same seed every time. */
function simulator(market: Pick<MarketParams, 'slots' | 'examination'>, catalogDir: string, seed: number) {
  const base = loadScenario('default')
  const catalog = importCatalog(catalogDir, base.catalog, seed)
  return async (clickBase: number, outsideValue: number): Promise<Moments> => {
    const params = MarketParamsSchema.parse({
      ...base.market,
      ...market,
      rounds: TUNING.rounds,
      sessionsPerRound: TUNING.sessionsPerRound,
      buyer: { ...base.market.buyer, clickBase, outsideValue },
    })
    const tally = { clicks: 0, orders: 0, exposure: 0 }
    const moments = defineCollector({
      name: 'tuning-moments',
      create: ({ weights }) => ({
        session(o) {
          for (let r = 0; r < o.count; r++) {
            tally.exposure += weights[o.position[r] - 1]
            tally.clicks += o.clicked[r]
          }
          if (o.purchasedSlot >= 0) tally.orders++
        },
        result: () => null,
      }),
    })
    await runMarket({ plugin: relevance, params: {}, market: params, catalog, seed, collectors: [moments] })
    return { attraction: tally.clicks / tally.exposure, conversion: tally.orders / tally.clicks }
  }
}

/**
 * Tunes clickBase (a Newton step on log attraction: d ln σ(z) / dz = 1 − σ(z)), then outsideValue (by
 * bisection: conversion falls as the outside option gains value), on the calibrated catalog in
 * `catalogDir` with the calibrated market's slots and examination curve.
 */
export async function tuneBuyer(
  market: Pick<MarketParams, 'slots' | 'examination'>,
  catalogDir: string,
  target: Moments,
  seed: number,
): Promise<TunedBuyer> {
  const simulate = simulator(market, catalogDir, seed)
  const defaults = MarketParamsSchema.parse({}).buyer
  let clickBase = defaults.clickBase
  let outsideValue = defaults.outsideValue
  let runs = 0
  const run = async () => {
    runs++
    return simulate(clickBase, outsideValue)
  }
  let reached = await run()
  const clicksOff = (m: Moments) => Math.abs(Math.log(m.attraction / target.attraction))
  while (clicksOff(reached) > CLICK_TOLERANCE && runs < TUNING.maxRuns / 2) {
    clickBase += Math.log(target.attraction / reached.attraction) / (1 - Math.min(0.9, reached.attraction))
    reached = await run()
  }
  let [low, high] = OUTSIDE_RANGE
  while (Math.abs(reached.conversion / target.conversion - 1) > CONVERSION_TOLERANCE && runs < TUNING.maxRuns) {
    if (reached.conversion > target.conversion) low = outsideValue
    else high = outsideValue
    outsideValue = (low + high) / 2
    reached = await run()
  }
  const converged =
    clicksOff(reached) <= 2 * CLICK_TOLERANCE &&
    Math.abs(reached.conversion / target.conversion - 1) <= CONVERSION_TOLERANCE
  return { clickBase, outsideValue, target, reached, runs, converged }
}
