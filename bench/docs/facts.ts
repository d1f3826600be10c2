import { kitPath } from '../../core/paths.ts'
import { refsOf } from '../facts/conditions.ts'
import { type Check, type Fact, loadFacts, type Ref } from '../facts/facts.ts'
import { METRIC_NEEDS } from '../facts/inputs.ts'
import { documentedAssumptions } from '../runner/plan/settings.ts'

export const FACTS_DOC = kitPath('docs/FACTS.md')

/** What a probe checks, in words (bench/facts/probes.ts runs them). */
const PROBE_WORDS: Record<string, string> = {
  'amazon-clothing-fee-brackets':
    "a probe of amazon's clothing referral fee from $9.99 to $40 (5% under $15, 10% to $20)",
  'amazon-score-signals':
    "a probe: rating, repeat purchase and the store's standing each lift a listing in amazon's score",
  'amazon-ad-relevance':
    'a probe: an ad with a high bid and low relevance wins a smaller share of ad slots than its bid share',
}

/** An algorithm as a check names it: with its parameters and scenario overlay when it has them. */
const who = (r: Ref) => {
  const params = r.params ? ` (${Object.entries(r.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`)})` : ''
  return `${r.algorithm}${params}${r.scenario ? ` on ${r.scenario}` : ''}`
}
const ref = (r: Ref) => `${who(r)}'s \`${r.metric}\``

/** A fact's check in words, rendered from its data. */
export function checkWords(check: Check): string {
  switch (check.kind) {
    case 'extreme':
      return check.among.every((r) => r.metric === check.subject.metric)
        ? `${ref(check.subject)} is the ${check.direction} of ${[check.subject, ...check.among].map(who).join(', ')}`
        : `${ref(check.subject)} is the ${check.direction} among ${check.among.map(ref).join(', ')}`
    case 'compare':
      return `${ref(check.left)} ${check.op} ${typeof check.right === 'number' ? check.right : ref(check.right)}`
    case 'between':
      return `${ref(check.ref)} lies in [${check.min}, ${check.max}]`
    case 'ratioBelow':
      return `${ref(check.numerator)} / ${ref(check.denominator)} < ${check.max}`
    case 'survival':
      return (
        `${ref(check.ref)} lies in the plausible survival range for the run's R rounds, ` +
        '[0.8^(5R/365), 0.8^(R/365)] (MODEL.md § how the numbers arise, plausible survival)'
      )
    case 'probe':
      return PROBE_WORDS[check.probe] ?? `the probe ${check.probe}`
    case 'all':
      return check.checks.map(checkWords).join('; and ')
  }
}

const factLine = (f: Fact) =>
  `- **${f.id}** ${f.claim.replace(/\.$/, '')} ([${f.source}](SOURCES.md#${f.source})` +
  `${f.scope === 'base' ? '; scope: base' : ''}). Check: ${checkWords(f.check)}.${conditionWords(f)}`

/** The market conditions a fact needs, in words: the catalog inputs its metrics read and the rounds it asks for. */
function conditionWords(f: Fact): string {
  const inputs = [...new Set(refsOf(f.check).flatMap((r) => METRIC_NEEDS[r.metric] ?? []))]
  const overlays = [...new Set(refsOf(f.check).flatMap((r) => (r.scenario ? [r.scenario] : [])))]
  const parts = [
    ...(inputs.length ? [`a market with ${inputs.join(', ')}`] : []),
    ...(f.needs ?? []).map(
      (n) => `${'rounds' in n ? `at least ${n.rounds} rounds` : n.inputs.join(' and ')} (${n.why})`,
    ),
    ...overlays.map((o) => `a scenario that ${o} changes`),
  ]
  return parts.length ? ` Needs: ${parts.join('; ')}.` : ''
}

/** docs/FACTS.md, rendered from seeds/facts.json (the facts' one definition). */
export function renderFactsDoc(facts: readonly Fact[] = loadFacts()): string {
  return `${HEAD}## The facts

Rendered from [seeds/facts.json](../seeds/facts.json) by \`npm run docs\`. Each fact: the claim
(paraphrased), its source, and its check as \`bench facts\` evaluates it.

${facts.map(factLine).join('\n')}

${MAP}
${documentedAssumptions()
  .map((a) => `| \`${a.path}\` | ${a.defaultValue} | ${a.plausible!.join(' to ')} | ${a.basis} |`)
  .join('\n')}

${AFTER}`
}

const HEAD = `# The stylized facts

The built-in platform plugins are calibrated so that fourteen stylized facts, drawn from the seed
articles, hold in the simulated market. The facts live as data in
[seeds/facts.json](../seeds/facts.json) (claim, source id, scope, check); \`bench facts\` runs what they
need and checks each one on the same \`summary.csv\` numbers a run reports. The sources are described in
[SOURCES.md](SOURCES.md); the latest measured values and margins are in
[BENCHMARKS.md](BENCHMARKS.md#the-stylized-facts).

## bench facts

\`\`\`sh
npx bench facts [--scenario NAME|PATH] [--catalog DIR] [--seeds N] [--set PATH=value]...
                [--vary PATH[=v1,v2,…]|assumptions]... [--grid] [--format table|csv|json]
                [--strict] [--out DIR] [--bench-time MS] [--quiet]
npx bench facts --scenario default --seeds 5 --strict      # the check the project runs
npx bench facts --scenario year --set market.rounds=60 --set market.sessionsPerRound=5000   # a shorter year
npx bench facts --vary assumptions --seeds 3 --bench-time 0   # the robustness map (about 20 minutes)
\`\`\`

It runs every plugin the facts name on the scenario (and, for the facts that compare with Black
Friday traffic, the scenario with the \`black-friday\` preset's settings laid over it:
\`default+black-friday\`), averages each metric over the seeds, and prints one row per fact: id, claim,
source, whether it holds, and what was measured. It writes a results folder (default
\`results/facts-SCENARIO-TIMESTAMP/\`) with \`facts.csv\` beside the usual files; its report shows the
facts table. \`facts.csv\` also gives each fact's **margin**: how far its check clears, relative to the
number it is compared with ((a − b) / |b|: how far the subject leads the best rival, how far a value
lies inside its bounds; the smallest part's for a fact of several checks), on the means over seeds,
with the 95% interval of the per-seed margins' mean (\`margin_ci_low\`, \`margin_ci_high\`) and the
number of seeds on which the fact holds alone (\`seeds_holding\`); empty for probes. \`--strict\` exits 1
when a fact counted on this scenario does not hold. With \`--catalog\` the facts run on an imported catalog.
\`--set PATH=value\` lays one setting over the scenario (any dotted path of the scenario schema, checked by it).

**Where a fact applies.** Each fact states the market conditions it needs (the \`Needs:\` of each fact
below): the catalog inputs its metrics read (ad budgets for the ad facts, identical offers for Temu's,
entrants for the new-seller facts, items under $20 for Haul's box, …), a minimum number of rounds where
the outcome takes time to show (F1's persistence, F5's exits), and, for F8, a scenario that the
Black Friday overlay changes. Where a condition is not met the fact is reported \`n/a\` with the
condition named ("it needs at least 20 rounds (…); small has 12"), and neither counts nor fails.

**Overlays scale.** \`+black-friday\` triples the traffic of whatever scenario it is laid over and
multiplies its median ad budget by 2.5 (the preset's \`"scale"\`), with more sellers advertising: on
\`default\` that is the \`black-friday\` preset itself; on \`small\` it is 1,800 sessions a round, not the
default's 15,000 (which would be 25 times small's traffic, with budgets that run dry mid-round).

Three facts that are properties of a rule rather than of a market outcome (F3's second half, F13,
F14) are **probed**: the plugin's real code ranks hand-made markets and the probe reports what it saw.

`

const MAP = `## The robustness map

\`bench facts --vary PATH=v1,v2,…\` re-checks the facts with a setting moved across values, one
setting at a time from the scenario's own values (the base point), or over every combination with
\`--grid\`. \`--vary PATH\` alone takes the ends of the setting's documented plausible range, and
\`--vary assumptions\` every documented assumption's. Each point is a scenario of its own, named after
what it changes (\`default.market.adLossTolerance_0.25\`), so its rows stay apart in \`summary.csv\`;
\`facts.csv\` is the base point's, and \`facts_map.csv\` has one row per point × fact: \`scenario\`,
\`changed\` (the settings that differ from the base; empty for it), \`settings\` (every varied setting's
value there), then the columns of \`facts.csv\`. The base-scope facts (F8, F9) count at every point of
the default scenario. The table output prints the map and, per fact, whether it holds at every point
or where it fails; the report draws it as a heatmap. Only the base point's \`rounds.csv\` and
\`sellers.csv\` are kept. Design: one-at-a-time screening, the first step of a global sensitivity
analysis (Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley, 2008).

**The assumptions and their plausible ranges.** Rendered from the schema, where each range sits beside
its default (\`.meta({ plausible, basis })\` in datasets/params.ts and bench/market/params.ts;
\`npx bench list\` prints them):

| setting | default | plausible range | basis |
| --- | --- | --- | --- |`

const AFTER = `"The four platforms" are \`amazon\`, \`aliexpress\`, \`temu\` and \`tiktok\`. F8 and F9 are claims
about the default market (scope \`base\`): on other scenarios they are reported but not counted.
**M1** is not a claim of the sources but a check of the model against an outside range: under the
neutral \`relevance\` ranker the share of incumbent sellers still active after R daily rounds must lie
in [0.8^(5R/365), 0.8^(R/365)] (about 80% of new US establishments survive a year, BLS Business
Employment Dynamics; online stores may close up to five times as readily; MODEL.md § plausible
survival): [0.912, 0.982] over 30 rounds, [0.964, 0.993] over 12, [0.328, 0.8] over 365. Where the kit's
checks go beyond what the sources say (F9's band starts below one half; F11 applies the June 2024
discount section's box to Haul), see [SOURCES.md § where the kit goes beyond its
sources](SOURCES.md#where-the-kit-goes-beyond-its-sources).

## Which plugin reproduces which fact

- \`amazon\`: F1 persistence, F3 organic share and relevance-gated ads, F7 hard start for new stores,
  F8 CPC rising with competition, F9 take rate, F10 price parity, F12 fast delivery, F13 fee
  brackets, F14 score signals.
- \`aliexpress\`: F2 paid traffic dominates, F3 (the comparison with Amazon).
- \`temu\`: F4 cheapest offer takes the group, F5 falling supply prices and traders squeezed out.
- \`tiktok\`: F6 new sellers get seen.
- \`amazon-haul\`: F11 only items under $20 and 1 lb.
- \`fair-exposure\`, \`relevance\`, \`random\`, \`thompson\`, \`oracle\`: reference points, no platform claim.

## The calibration

Every default in a plugin file is either cited (a seed article or a public description in
[SOURCES.md](SOURCES.md)) or marked as a modelling assumption; the calibrated ones are assumptions.
The recalibration after the observable-state, seller life-cycle and catalog changes, each stated where
its default lives ([MODEL.md § defaults](MODEL.md#defaults-and-their-sources)):

- On price-first platforms an offer that sold nothing cuts its price too, not only one that lost its
  group, so offers fall to cost floors and the sellers with the best cost control win (F5); entrants
  list at their own price instead of a special undercut.
- Brands' own lines are not offered by other sellers, and the identical-offer rate is per archetype
  (\`catalog.identicalOfferRate\`).
- Starting CPC bids are about $1.25 at a $25 reference price, between seed 000's 2016 and current
  CPCs (F9, F8; \`catalog.baseBidShare\`).
- TikTok's first pool is 40 simulated views (F6, including at Black Friday traffic;
  \`tiktok.poolScale\`).
- Raising bids has a price: advertisers tolerate ad spend above their ads' margin
  (\`market.adLossTolerance\`), so amazon and aliexpress lose more sellers than the neutral rankers
  (survival figures in [BENCHMARKS.md](BENCHMARKS.md#the-stylized-facts)).

## Why facts failed off the default scenario, and what changed

Each failure was traced to its cause before anything changed; no default of the simulated market moved.

- **F8 on \`small\`: the Black Friday CPC fell below the base.** The overlay set 15,000 sessions a round,
  the default's peak, which on \`small\` is 25 times its traffic against 2.5 times the ad budgets:
  budgets ran dry early in each round, sponsored impressions fell from 0.30 to 0.21 of all and the CPC
  from 1.20 to 0.81 (3 seeds). The preset now scales its base (3 times the traffic, 2.5 times the
  budgets), as its description always said; on \`default\` nothing changes.
- **F7 on an imported catalog: entrants got more on amazon than on temu.** The late stores' products
  arrived with the reviews and sales of the export, which a store that opens mid-run cannot have had:
  amazon's flywheel treated them as established. The importer now starts a late store without history
  (its rating still sets quality), as the generator does; F7 holds on the real-shaped fixture.
- **F1 on an imported catalog: aliexpress and temu kept their top longer than amazon.** Without ads,
  AliExpress's fill ranks on relevance and the log of lifetime sales, and without offers of the same
  item Temu ranks on a price that never has to move: fixed sorts, which any ranker that learns from
  sales (amazon's, and tiktok's pools) churns more than (amazon 0.74 against temu 0.93 over 30 rounds;
  0.84 against 0.95 over 90, prices unscaled). The claim is about what moves the top on those
  platforms (paid placement, price contests), so F1 now needs ad budgets and identical offers.
- **F1 and F5 on \`small\`:** 12 rounds are fewer than persistence's 10-round window needs, and fewer
  than a seller's exit takes to show; both are now not applicable there, with the reason.
- **F5's check** compared traders with brands as well; the source says factories squeeze traders out,
  so the check compares traders with factories (margin 5.8% on default, from 0.95%).
- **F11's check** (Haul shows nothing outside its box) had a margin of 0 by construction; it now
  compares Haul's outside share with amazon's own, as F10 does for price parity.
- **M1** was added: survival under \`relevance\` in the BLS-based range, on every scenario.\n`
