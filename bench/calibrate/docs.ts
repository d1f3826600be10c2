import { FIT_QUANTITIES, WEAK_IDENTIFICATION } from './fit.ts'
import { OPE_ESTIMATORS, OPE_METRICS } from './ope.ts'
import { VALIDATION_QUANTITIES } from './validate.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** METRICS.md's sections on bench calibrate and bench rerank, rendered from their definitions. */
export function renderCalibrationSection(): string {
  const fit = Object.entries(FIT_QUANTITIES).map(
    ([name, [key, n, definition]]) => `| \`${name}\` | ${key} | ${n} | ${cell(definition)} |`,
  )
  const validation = Object.entries(VALIDATION_QUANTITIES).map(
    ([name, [key, definition]]) => `| \`${name}\` | ${key} | ${cell(definition)} |`,
  )
  const ope = Object.entries(OPE_ESTIMATORS).map(
    ([name, [formula, assumes]]) => `| \`${name}\` | ${cell(formula)} | ${cell(assumes)} |`,
  )
  const metrics = OPE_METRICS.map((m) => `\`${m}\``).join(', ')
  return `## Calibration: \`bench calibrate\` → fit.csv, validation.csv

fit.csv has one row per fitted quantity: \`quantity,key,value,std_error,n\`. \`std_error\` is the standard
deviation over seeded bootstrap replicates (\`--bootstrap\`, default 50): each replicate weighs every
session by a Poisson(1) draw, tallies the log again and refits (EM starts from the full fit).

| quantity | key | n | definition |
| --- | --- | --- | --- |
${fit.join('\n')}

**Identification.** Positions are linked when one product was shown at both; γ_k/γ_j is identified only
within a linked group. calibrate warns when the products shown at two or more positions hold less than
${100 * WEAK_IDENTIFICATION}% of impressions, or positions fall into several groups: the curve then also carries
the ranker's ordering (what is shown lower is taken to be no less attractive in itself).

**validation.csv** (\`--holdout S\`: the last share S of the rounds, at least one, are held out and the others
fitted): \`quantity,key,logged,simulated,ci_low,ci_high,outside,n\`. \`simulated\` is the fitted buyer's
expectation for the held-out sessions in their logged order; \`ci_low, ci_high\` = logged ± z · the
bootstrap standard error of logged − simulated, cut at 0 (paired over resampled held-out sessions; z = 1.96, and
Bonferroni over the positions for click_rate, so that family holds together with 95%); \`outside\` = 1
when simulated falls outside. The fit's own uncertainty is not added, so a chance flag among the
single quantities is expected about one time in twenty.

| quantity | key | definition |
| --- | --- | --- |
${validation.join('\n')}

\`n\`: impressions at k for click_rate; sessions for clicks_per_session and conversion_rate; clicks for
conversion; sellers for the Ginis; the seller's clicks for seller_click_share. With \`--bootstrap\` below 2
there are no intervals: \`ci_low\`, \`ci_high\` and \`outside\` stay empty.

## Log-driven sessions: \`bench rerank\` → its results folder and ope.csv

Each logged session is one visit; its candidates are the products it showed, plus, with \`--candidates FILE\`
(\`session_id,round,product_id\` and \`relevance\` when the log has it; sessions in the log's order, any left
out; every product one of the calibration's catalog), the rest of its retrieval set. A plugin ranks them
with its market view as of the round's start, built from the log's history (impressions, clicks and
sales logged so far; prices are the calibrated catalog's); \`relevance\` is the log's column when present,
else each product's fitted attractiveness. The calibrated buyer then meets the slate: product a at
position k is clicked with probability examination_k · attractiveness_a; a session whose clicked set is
C buys with probability min(1, Σ_{a∈C} q_a), q_a the product's conversion, the item a with probability
q_a / Σ q. summary.csv, rounds.csv and sellers.csv measure these simulated sessions through the same
stream and functions as \`bench metrics\` (exposure uses the fitted examination curve; the \`logged\`
pseudo-plugin shows each session's products at their logged positions).

ope.csv: \`algorithm,variant,metric,estimator,value,ci_low,ci_high,n\` for ${metrics} (gmv
in dollars over the n sessions; the others per session). The weight of a logged impression of product a
at position k is w = 1[the plugin shows a at k] / propensity (\`logged\`: w = 1, the logging policy weighs
itself 1; \`--clip W\`: w = min(w, W), which biases the estimate towards what the log did, for less
variance). Intervals: 2.5% and 97.5% percentiles over seeded Poisson bootstrap replicates over sessions
(\`--bootstrap\`, default 200); the same seed draws the same session weights for every plugin.

With \`--candidates\`, a plugin may show products the session did not show; iips and snips weigh only
logged impressions, so they miss what those would have drawn (biased low, by the share of the plugin's
slots outside the logged slate); dm covers them (a product the fit never saw takes the median
attractiveness).

| estimator | formula (per session, averaged over sessions) | assumes |
| --- | --- | --- |
${ope.join('\n')}
`
}
