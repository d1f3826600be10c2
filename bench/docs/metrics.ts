import { kitPath } from '../../core/paths.ts'
import { renderCalibrationSection } from '../calibrate/docs.ts'
import { renderLogSection } from '../log/docs.ts'
import { LOG_FACETS } from '../log/replay.ts'
import { NEEDS, type Need } from '../market/stream.ts'
import {
  type MetricDef,
  ROUND_METRICS,
  SELLER_COLUMNS,
  SELLER_ROUND_COLUMNS,
  SUMMARY_METRICS,
  THROUGHPUT_KEYS,
  THROUGHPUT_METRICS,
} from '../metrics/definitions.ts'

export const METRICS_DOC = kitPath('bench/METRICS.md')

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** One table row per column: its direction, the facets it needs and its definition. */
function table(defs: readonly MetricDef[]): string {
  return [
    '| column | better | needs | definition |',
    '| --- | --- | --- | --- |',
    ...defs.map((d) => `| \`${d.name}\` | ${d.better} | ${d.needs.join(', ') || '–'} | ${cell(d.definition)} |`),
  ].join('\n')
}

/** The facets and which source has each: the one table that says what a log defines. */
function facetTable(): string {
  return [
    '| facet | what it is | a simulation | an impression log |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(NEEDS) as Need[]).map(
      (n) => `| \`${n}\` | ${cell(NEEDS[n])} | yes | ${LOG_FACETS[n] ? cell(`with ${LOG_FACETS[n]}`) : 'never'} |`,
    ),
  ].join('\n')
}

/** METRICS.md, rendered from the metric registry (bench/metrics): the single definition of every reported number. */
export function renderMetricsDoc(): string {
  return `# trafficbench metrics

Generated from the metric registry (\`bench/metrics/\`: summary.ts, summary-facts.ts, files.ts) by
\`npm run docs\` — edit those, not this file (a test checks they agree). Every CSV starts with the keys
\`algorithm,variant,scenario,seed\`; \`variant\` names a \`--sweep\` combination (e.g. \`priceParity=false\`) and
is empty without one. "better" says which direction is an improvement; \`neither\` marks a trade-off or a
descriptive number. The model behind the numbers (examination, the buyer, money, seller dynamics) is
in [docs/MODEL.md](../docs/MODEL.md).

Every metric is computed once, by the same function, from one stream of events that every source
feeds: a simulation, an impression log (\`bench metrics\`), log-driven sessions. \`needs\` names the
facets beyond shown slots, clicks and orders that a column reads; a source without one leaves the
column empty, with the facet's reason:

${facetTable()}

## summary.csv — one row per algorithm × scenario × seed

Sums and shares run over all n sellers of the scenario, zeros included.

${table(SUMMARY_METRICS)}

## throughput.csv — keys, then \`repeat\`; the only file that differs between identical runs

${table([...THROUGHPUT_KEYS, ...THROUGHPUT_METRICS])}

## rounds.csv — keys, then \`round\` (0-based)

${table(ROUND_METRICS)}

## sellers.csv — one row per seller

${table(SELLER_COLUMNS)}

## seller_rounds.csv — keys, then \`round\` (0-based) and \`seller_id\`; one row per seller and round

Written by \`bench run --seller-rounds\`. Rows are in the other files' order (cells, then rounds, then sellers in
catalog order); a seller out of the market whose values are all 0 (not yet entered, or gone) has no row. Numbers
are written in full (the shortest text that reads back as the same double), not to 8 significant digits, so a
seller's rows summed in round order reproduce its sellers.csv totals exactly.

${table(SELLER_ROUND_COLUMNS)}

${renderLogSection()}
${renderCalibrationSection()}`
}
