import type { Command } from 'commander'
import { loadRegistry } from '../../algorithms/kit/registry.ts'
import { ROUND_METRICS, SELLER_COLUMNS, SUMMARY_METRICS, THROUGHPUT_METRICS } from '../metrics/definitions.ts'
import { loadScenario, presetNames } from '../runner/scenario.ts'

async function listCommand(): Promise<void> {
  const registry = await loadRegistry()
  const lines: string[] = ['Algorithms (algorithms/*.ts; add your own with --plugin FILE):']
  for (const { plugin } of registry.values()) {
    lines.push(`  ${plugin.name.padEnd(12)} ${plugin.summary}`)
    const defaults = plugin.params.parse({}) as Record<string, unknown>
    for (const [key, value] of Object.entries(defaults)) lines.push(`  ${''.padEnd(12)}   --param ${plugin.name}.${key}=${JSON.stringify(value)}`)
  }
  lines.push('', 'Scenarios (seeds/scenarios/*.json, or --scenario PATH):')
  for (const name of presetNames()) lines.push(`  ${name.padEnd(13)} ${loadScenario(name).description}`)
  const section = (title: string, defs: readonly { name: string; better: string; definition: string }[]) => {
    lines.push('', title)
    for (const d of defs) lines.push(`  ${d.name.padEnd(30)} [${d.better}] ${d.definition}`)
  }
  section('summary.csv metrics ([better] = which direction is an improvement; see bench/METRICS.md):', SUMMARY_METRICS)
  section('throughput.csv:', THROUGHPUT_METRICS)
  section('rounds.csv (per round):', ROUND_METRICS)
  section('sellers.csv:', SELLER_COLUMNS)
  process.stdout.write(lines.join('\n') + '\n')
}

export function registerList(program: Command): void {
  program.command('list').description('list algorithms, scenarios and metric definitions').action(listCommand)
}
