import { LOG_COLUMNS, POSITION_BIAS_MODELS } from './format.ts'
import { emptyReason, LOG_INPUTS, LOG_ROUNDS, LOG_SELLERS, LOG_SUMMARY } from './metrics.ts'
import { RECENT_SESSIONS } from './tally.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** METRICS.md's section on `bench metrics --log`, rendered from the log format and the log metric table. */
export function renderLogSection(): string {
  const format = [
    '| column | required | meaning |',
    '| --- | --- | --- |',
    ...LOG_COLUMNS.map((c) => `| \`${c.name}\` | ${c.required ? 'yes' : 'no'} | ${cell(c.definition)} |`),
  ]
  const table = (file: string, defs: Record<string, Parameters<typeof emptyReason>[0]>) =>
    Object.entries(defs).map(([name, def]) => {
      const needs = 'missing' in def ? null : def.needs
      const what =
        needs === null
          ? `no: ${emptyReason(def, new Set())}`
          : needs.length
            ? `with ${needs.map((n) => LOG_INPUTS[n]).join(' and ')}`
            : 'yes'
      return `| ${file} | \`${name}\` | ${cell(what)} |`
    })
  const columns = [
    '| file | column | defined from a log |',
    '| --- | --- | --- |',
    ...table('summary.csv', LOG_SUMMARY),
    ...table('rounds.csv', LOG_ROUNDS),
    ...table('sellers.csv', LOG_SELLERS),
  ]
  const biasModels = Object.entries(POSITION_BIAS_MODELS)
    .map(([k, v]) => `\`${k}\` = ${v}`)
    .join(', ')
  const recentSessions = RECENT_SESSIONS.toLocaleString('en')
  return `## Metrics on your own traffic: \`bench metrics --log\`

\`bench metrics --log FILE [--sellers FILE] [--products FILE]\` computes, from an impression log, every
column above that the log defines, with the same formula (the same functions compute both), and
writes a results folder with the same files and columns. A column it cannot define is left empty and
listed, with the reason, on stderr and in manifest.json (\`empty\`).

**The log** (CSV, gzip'd CSV or Parquet; the format is told by the file's first bytes): one row per
impression, in round order, the rows of a session consecutive.

${format.join('\n')}

**How the numbers are read from it.**
- Exposure of an impression at position r is its position weight (\`--position-bias\`): ${biasModels}, \
or a list of weights.
- Sessions are the runs of consecutive rows with one \`round\` and \`session_id\`; a session that showed nothing is one
  row with a blank position and counts in conversion_rate's denominator (orders / sessions). A
  session_id that comes back in its round after other sessions is an error \
(checked over the round's last ${recentSessions} sessions).
- Sellers: shares, Gini and the top 10% run over the sellers of \`--sellers\` (all of them, zeros
  included), else over the sellers the log or \`--products\` names. A log seller missing from \`--sellers\` is an error.
- Revenue is the retail price the log records (\`price\` on purchased rows). The simulator's sellers.csv
  revenue is the declared price; on a platform that marks prices up by a constant factor the two differ
  by that factor, which Gini, HHI and shares do not see.
- Rounds run from 0 to the log's last round (a round without rows has empty top lists);
  rank_persistence ranks each category's products by exposure per round, ties going to the product
  earlier in \`--products\`, else in natural id order (p2 before p10, a generated catalog's order).
- ndcg_at_10 uses the log's \`relevance\` as the gain and the session's best 10 logged items for IDCG
  (a log knows no unshown candidates), averaged over sessions that showed something.
- Keys: \`scenario\` = the log's name (its file name without .csv, .gz, .parquet), \`algorithm\` =
  \`--name\` (default: the log's name), \`variant\` empty, \`seed\` = 0 \
(a log is one observed history, not a seeded draw).

${columns.join('\n')}
`
}
