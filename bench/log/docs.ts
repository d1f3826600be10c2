import { LOG_COLUMNS, POSITION_BIAS_MODELS } from './format.ts'
import { RECENT_SESSIONS } from './sessions.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** METRICS.md's section on `bench metrics --log`, rendered from the log format. */
export function renderLogSection(): string {
  const format = [
    '| column | required | meaning |',
    '| --- | --- | --- |',
    ...LOG_COLUMNS.map((c) => `| \`${c.name}\` | ${c.required ? 'yes' : 'no'} | ${cell(c.definition)} |`),
  ]
  const biasModels = Object.entries(POSITION_BIAS_MODELS)
    .map(([k, v]) => `\`${k}\` = ${v}`)
    .join(', ')
  const recentSessions = RECENT_SESSIONS.toLocaleString('en')
  return `## Metrics on your own traffic: \`bench metrics --log\`

\`bench metrics --log FILE [--sellers FILE] [--products FILE]\` plays an impression log into the same stream
a simulation feeds (sessions, round ends), so every column above is computed by the same collectors
and value functions; those whose facets the log lacks (the \`needs\` column, and the table of facets
above) are left empty and listed, with the reason, on stderr and in manifest.json (\`empty\`).

**The log** (CSV, gzip'd CSV or Parquet; the format is told by the file's first bytes): one row per
impression, in round order, the rows of a session consecutive.

${format.join('\n')}

**How the numbers are read from it.** The log is read twice: once for who is who (its sellers,
products and categories, checked row by row), once for its sessions.
- Exposure of an impression at position r is its position weight (\`--position-bias\`): ${biasModels}, \
or a list of weights.
- Sessions are the runs of consecutive rows with one \`round\` and \`session_id\`; a session that showed nothing is one
  row with a blank position and counts in conversion_rate's denominator (orders / sessions). A
  session_id that comes back in its round after other sessions is an error \
(checked over the round's last ${recentSessions} sessions), and so are a position or a product shown twice in one
  session, a second purchase in one session, and a purchase on a row that was not clicked.
- Sellers: shares, Gini and the top 10% run over the sellers of \`--sellers\` (all of them, zeros
  included, in its order), else over the sellers the log or \`--products\` names, in natural id order. A
  log seller missing from \`--sellers\` is an error.
- Products are in \`--products\` order, else natural id order (p2 before p10, a generated catalog's order):
  rank_persistence's ties at the 10th place go to the earlier one. Every product the log shows counts
  as listed in every round; rounds.csv has a row for each round the log has.
- Revenue is the retail price the log records (\`price\` on purchased rows). The simulator's sellers.csv
  revenue is the declared price; on a platform that marks prices up by a constant factor the two differ
  by that factor, which Gini, HHI and shares do not see.
- A logged session's candidates are the items it shows: ndcg_at_10 uses the log's \`relevance\` as the
  gain and the session's best 10 logged items for IDCG, averaged over sessions that showed something.
- Keys: \`scenario\` = \`--scenario\` (default: the log's name, its file name without .csv, .gz, .parquet),
  \`algorithm\` = \`--name\` (default: the log's name), \`variant\` empty, \`seed\` = 0 (a log is one observed
  history, not a seeded draw). With \`--blocks round\` each round is measured on its own and is one row, its
  \`seed\` the round: \`bench compare\` then has replicates, and compares a log with a single row per scenario
  against every row of the other input in that scenario (unpaired, Welch).
`
}
