import { generateCatalog } from '../../datasets/generate.ts'
import { importCatalog } from '../../datasets/import.ts'
import { hasPresetSettings, type Scenario } from '../runner/plan/scenario.ts'
import type { Check, Fact, Ref } from './facts.ts'
import { type CatalogInput, METRIC_NEEDS, missingInputs } from './inputs.ts'

/**
 * The market conditions a fact needs, and whether a scenario meets them. A fact is judged only where
 * the market can show it: the catalog inputs its metrics read (bench/facts/inputs.ts), the rounds
 * its own `needs` asks for, and overlays that change something. Elsewhere it is not applicable,
 * with the condition named, never failed for the scenario's size.
 */
export interface FactsMarket {
  /** The scenario the facts run on, named after an imported catalog when it declares a name. */
  base: Scenario
  /** The catalog inputs the market lacks. */
  missing: Set<CatalogInput>
  /** Overlays (e.g. "+black-friday") whose settings the scenario already has: a comparison would be with itself. */
  idleOverlays: Set<string>
  /** Sellers active from round 0 (the first seed's catalog): the count a survival rate is a share of. */
  incumbents: number
}

/** The refs a check reads. */
export function refsOf(check: Check): Ref[] {
  switch (check.kind) {
    case 'extreme':
      return [check.subject, ...check.among]
    case 'compare':
      return typeof check.right === 'number' ? [check.left] : [check.left, check.right]
    case 'between':
    case 'survival':
      return [check.ref]
    case 'ratioBelow':
      return [check.numerator, check.denominator]
    case 'probe':
      return []
    case 'all':
      return check.checks.flatMap(refsOf)
  }
}

/** What the facts' market holds: read from the first seed's catalog (imported or generated) and the overlays' files. */
export function factsMarket(scenario: Scenario, facts: readonly Fact[], catalogDir?: string): FactsMarket {
  const catalog = catalogDir
    ? importCatalog(catalogDir, scenario.catalog, scenario.seed)
    : generateCatalog(scenario.catalog, scenario.seed, scenario.market.rounds)
  // A point of a map over an imported catalog is already named after it (bench facts --vary --catalog).
  const named = catalogDir && catalog.name && !scenario.name.startsWith(catalog.name)
  const base = named ? { ...scenario, name: catalog.name! } : scenario
  const overlays = new Set(facts.flatMap((f) => refsOf(f.check).flatMap((r) => (r.scenario ? [r.scenario] : []))))
  const idleOverlays = new Set([...overlays].filter((overlay) => hasPresetSettings(base, overlay.slice(1))))
  const incumbents = catalog.sellers.joinRound.filter((round) => round === 0).length
  return { base, missing: missingInputs(catalog), idleOverlays, incumbents }
}

/** Why a fact cannot be judged on this market, one phrase per unmet condition; empty when it applies. */
export function unmetConditions(fact: Fact, market: FactsMarket): string[] {
  const refs = refsOf(fact.check)
  const lacking = [...new Set(refs.flatMap((ref) => METRIC_NEEDS[ref.metric] ?? []))].filter((input) =>
    market.missing.has(input),
  )
  const reasons = lacking.length ? [`the market has no ${lacking.join(', no ')}`] : []
  const { name, market: settings } = market.base
  for (const need of fact.needs ?? []) {
    if ('rounds' in need && settings.rounds < need.rounds)
      reasons.push(`it needs at least ${need.rounds} rounds (${need.why}); ${name} has ${settings.rounds}`)
    const absent = 'inputs' in need ? need.inputs.filter((input) => market.missing.has(input)) : []
    if (absent.length) reasons.push(`it needs ${absent.join(' and ')} (${need.why}); ${name} has none`)
  }
  const idle = [
    ...new Set(refs.flatMap((r) => (r.scenario && market.idleOverlays.has(r.scenario) ? [r.scenario] : []))),
  ]
  if (idle.length)
    reasons.push(`${market.base.name} already has the settings of ${idle.join(', ')}: it would compare it with itself`)
  return reasons
}

/**
 * Survival of new businesses, the range of fact M1: about 80% of new US establishments survive their first year (BLS
 * Business Employment Dynamics); marketplace stores may close up to five times as readily. Over R daily rounds a
 * store survives with a probability in [0.8^(5R/365), 0.8^(R/365)] (docs/MODEL.md § plausible survival). The share
 * of n incumbents that survives scatters around that probability p: each end moves out by 1.96 √(p(1 − p)/n), the
 * 95% range of a binomial share, so a market of 50 sellers in which none left in 12 rounds is not implausible.
 */
export function plausibleSurvival(rounds: number, incumbents = Infinity): [number, number] {
  const [low, high] = [0.8 ** ((5 * rounds) / 365), 0.8 ** (rounds / 365)]
  const spread = (p: number) => 1.96 * Math.sqrt((p * (1 - p)) / incumbents)
  return [Math.max(0, low - spread(low)), Math.min(1, high + spread(high))]
}

/** The facts with every check that depends on the market resolved to plain numbers for it (its rounds, its sellers). */
export function resolveChecks(facts: readonly Fact[], rounds: number, incumbents = Infinity): Fact[] {
  const resolve = (check: Check): Check => {
    if (check.kind === 'all') return { ...check, checks: check.checks.map(resolve) }
    if (check.kind !== 'survival') return check
    const [min, max] = plausibleSurvival(rounds, incumbents).map((x) => Number(x.toFixed(4)))
    return { kind: 'between', ref: check.ref, min, max }
  }
  return facts.map((fact) => ({ ...fact, check: resolve(fact.check) }))
}
