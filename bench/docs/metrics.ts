import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderLogSection } from '../log/docs.ts'
import {
  type MetricDef,
  MODEL_NOTES,
  ROUND_METRICS,
  SELLER_COLUMNS,
  SUMMARY_METRICS,
  THROUGHPUT_METRICS,
} from '../metrics/definitions.ts'

export const METRICS_DOC = resolve(dirname(fileURLToPath(import.meta.url)), '../METRICS.md')

/** METRICS.md, rendered from bench/metrics/definitions.ts: the single definition of every reported number. */
export function renderMetricsDoc(): string {
  const table = (defs: readonly MetricDef[]) =>
    [
      '| column | better | definition |',
      '| --- | --- | --- |',
      ...defs.map((d) => `| \`${d.name}\` | ${d.better} | ${d.definition.replace(/\|/g, '\\|')} |`),
    ].join('\n')
  return `# trafficbench metrics

Generated from \`bench/metrics/definitions.ts\` by \`npm run docs\` — edit that file, not this one (a test
checks they agree). Every CSV starts with the keys \`algorithm,variant,scenario,seed\`; \`variant\`
names a \`--sweep\` combination (e.g. \`priceParity=false\`) and is empty without one. "better" says which
direction is an improvement; \`neither\` marks a trade-off or a descriptive number.

## summary.csv — one row per algorithm × scenario × seed

Sums and shares run over all n sellers of the scenario, zeros included.

${table(SUMMARY_METRICS)}

## throughput.csv — the only file that differs between identical runs

${table(THROUGHPUT_METRICS)}

## rounds.csv — keys, then \`round\` (0-based)

${table(ROUND_METRICS)}

## sellers.csv — one row per seller

${table(SELLER_COLUMNS)}

${MODEL_NOTES}
${renderLogSection()}`
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(METRICS_DOC, renderMetricsDoc())
  console.log(`wrote ${METRICS_DOC}`)
}
