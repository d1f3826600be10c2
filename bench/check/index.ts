// What a plugin's own tests use (package export trafficbench/check): the conformance checks of
// `bench check`, and a hand-made market to rank single sessions on.
import { fileURLToPath } from 'node:url'
import type { Plugin } from '../../algorithms/kit/contract.ts'
import { loadScenario } from '../runner/plan/scenario.ts'
import { type CheckResult, conformance } from './conformance.ts'
import { typeCheck } from './typecheck.ts'

export { tinyMarket } from '../../datasets/tiny.ts'
export type { CheckResult } from './conformance.ts'
export { CHECKS } from './conformance.ts'
export { rankOnce, searchSession } from './session.ts'

/**
 * The checks of `bench check` on one plugin: its default parameters over the scenario's market
 * (default: small, 2 rounds of 100 sessions), and the type check of `file` when given.
 */
export async function checkPlugin(
  plugin: Plugin,
  options: { file?: string | URL; scenario?: string; rounds?: number; sessions?: number } = {},
): Promise<CheckResult[]> {
  const scenario = loadScenario(options.scenario ?? 'small')
  scenario.market.rounds = options.rounds ?? 2
  scenario.market.sessionsPerRound = options.sessions ?? 100
  const file = options.file instanceof URL ? fileURLToPath(options.file) : options.file
  return conformance(plugin, scenario, file ? [...typeCheck([file]).values()][0] : undefined, file)
}
