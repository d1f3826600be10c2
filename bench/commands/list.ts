import type { Command } from '@commander-js/extra-typings'
import { formatOption } from '../../core/options.ts'
import {
  type MetricDef,
  ROUND_METRICS,
  SELLER_COLUMNS,
  SELLER_ROUND_COLUMNS,
  SUMMARY_METRICS,
  THROUGHPUT_METRICS,
} from '../metrics/definitions.ts'
import { loadRegistry } from '../plugins/registry.ts'
import { loadScenario, presetNames } from '../runner/plan/scenario.ts'
import { documentedAssumptions } from '../runner/plan/settings.ts'

const listOptions = (command: Command) =>
  command.description('list algorithms, scenarios and metric definitions').addOption(formatOption('table', 'json'))

async function listCommand(opts: ReturnType<ReturnType<typeof listOptions>['opts']>): Promise<void> {
  const registry = await loadRegistry()
  const algorithms = [...registry.values()].map(({ plugin, file, onDemand }) => ({
    name: plugin.name,
    summary: plugin.summary,
    claims: plugin.claims,
    readsTruth: plugin.truth === true,
    onDemand: onDemand === true,
    file,
    params: plugin.params.parse({}) as Record<string, unknown>,
  }))
  const scenarios = presetNames().map((name) => ({ name, description: loadScenario(name).description }))
  const assumptions = documentedAssumptions()
  const sections: [string, string, readonly MetricDef[]][] = [
    [
      'summary',
      'summary.csv metrics ([better] = which direction is an improvement; see bench/METRICS.md):',
      SUMMARY_METRICS,
    ],
    ['throughput', 'throughput.csv (one row per cell and --repeat):', THROUGHPUT_METRICS],
    ['rounds', 'rounds.csv (per round):', ROUND_METRICS],
    ['sellers', 'sellers.csv:', SELLER_COLUMNS],
    ['sellerRounds', 'seller_rounds.csv (per seller and round, with bench run --seller-rounds):', SELLER_ROUND_COLUMNS],
  ]
  if (opts.format === 'json') {
    const metrics = Object.fromEntries(sections.map(([key, , defs]) => [key, defs]))
    process.stdout.write(`${JSON.stringify({ algorithms, scenarios, assumptions, metrics }, null, 2)}\n`)
    return
  }
  const lines: string[] = ['Algorithms (algorithms/*.ts; add your own with --plugin FILE):']
  for (const a of algorithms) {
    const marks = `${a.readsTruth ? '[oracle: reads the hidden truth] ' : ''}${a.onDemand ? '[runs when named] ' : ''}`
    lines.push(`  ${a.name.padEnd(12)} ${marks}${a.summary}`)
    for (const [key, value] of Object.entries(a.params))
      lines.push(`  ${''.padEnd(12)}   --param ${a.name}.${key}=${JSON.stringify(value)}`)
  }
  lines.push('', 'Scenarios (seeds/scenarios/*.json, or --scenario PATH):')
  for (const s of scenarios) lines.push(`  ${s.name.padEnd(13)} ${s.description}`)
  lines.push('', 'Assumptions with a documented plausible range (bench facts --vary PATH maps the facts across it):')
  for (const a of assumptions)
    lines.push(`  ${a.path.padEnd(32)} default ${a.defaultValue}, plausible ${a.plausible!.join(' to ')} (${a.basis})`)
  for (const [, title, defs] of sections) {
    lines.push('', title)
    for (const d of defs) lines.push(`  ${d.name.padEnd(30)} [${d.better}] ${d.definition}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

export function registerList(program: Command): void {
  listOptions(program.command('list')).action(listCommand)
}
