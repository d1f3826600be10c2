import { basename } from 'node:path'
import { ARCHETYPES, SIZE_TIERS } from '../../core/catalog.ts'
import { type Row, toCsv } from '../../core/csv.ts'
import { CatalogParamsSchema } from '../../datasets/params.ts'
import type { SellerInfo } from '../log/inputs.ts'
import type { LogShape } from '../log/sessions.ts'
import type { LogTables } from '../log/tables.ts'
import { MarketParamsSchema } from '../market/params.ts'
import { median } from '../metrics/functions.ts'
import { ScenarioSchema } from '../runner/plan/scenario.ts'
import type { Fit } from './fit.ts'
import { TUNING, type TunedBuyer } from './tune-buyer.ts'

/** A product's category when neither the log nor --products gives one. */
export const UNKNOWN_CATEGORY = 'unknown'
const MAX_SLOTS = 200

/**
 * scenario.json: `default` with every fitted value that is a scenario setting in place, and where each
 * came from. Conversion, the sponsored share and CPCs are measured (fit.csv) but are outcomes of the
 * buyer model and the plugin, not settings: the provenance says so, and validation compares them.
 */
export function calibratedScenario(name: string, fit: Fit, shape: LogShape, rounds: readonly number[], log: string) {
  const k = Math.min(MAX_SLOTS, shape.maxPosition)
  const curve: number[] = []
  for (let i = 0; i < k; i++) {
    const g = fit.examination[i]
    // A position never shown keeps the one before it; noise can put a lower position above position 1.
    curve.push(Number.isNaN(g) ? (curve[i - 1] ?? 1) : Math.min(1, Math.max(0, g)))
  }
  const cut = shape.maxPosition > k ? `, cut at ${k}` : ''
  const sessionsPerRound = Math.max(1, Math.round(fit.tally.sessions / rounds.length))
  const scenario = {
    extends: 'default',
    name,
    description:
      `Calibrated by bench calibrate from ${basename(log)}: ${fit.tally.sessions} sessions over ${rounds.length} ` +
      'rounds. Run it on the calibrated market: bench run --scenario scenario.json --catalog catalog',
    provenance: <Record<string, string>>{
      'market.examination': `position-based click model fitted by EM (fit.csv: examination), relative to position 1`,
      'market.slots': `the deepest position the log shows (${shape.maxPosition}${cut})`,
      'market.rounds': `the rounds fitted (${rounds.length}: ${rounds[0]}…${rounds[rounds.length - 1]})`,
      'market.sessionsPerRound': 'mean sessions per round (fit.csv: sessions_per_round)',
      'catalog/': "the log's sellers and products; prices from what buyers paid; categoryShares in catalog.json",
      'not set': 'conversion, sponsored_share and cpc are outcomes of the buyer model and the ranker: see fit.csv',
    },
    market: { rounds: rounds.length, sessionsPerRound, slots: k, examination: curve },
  }
  // What is written must load: checked against the schema the runner uses.
  const { extends: _base, ...own } = scenario
  ScenarioSchema.parse({ ...own, market: MarketParamsSchema.parse(own.market) })
  return scenario
}

/** The tuned buyer's coefficients into the scenario, with where they came from. */
export function setBuyer(scenario: ReturnType<typeof calibratedScenario>, t: TunedBuyer): void {
  const market = scenario.market as Record<string, unknown>
  market.buyer = { clickBase: t.clickBase, outsideValue: t.outsideValue }
  const how = `tuned by ${t.runs} simulations of ${TUNING.ranker} on the calibrated catalog`
  Object.assign(scenario.provenance, {
    'market.buyer.clickBase': `${how}: clicks per examination ${t.reached.attraction} (log ${t.target.attraction})`,
    'market.buyer.outsideValue': `${how}: conversion ${t.reached.conversion} (log ${t.target.conversion})`,
  })
  scenario.provenance['not set'] = 'sponsored_share and cpc are outcomes of the ranker and the advertisers: see fit.csv'
}

/**
 * catalog/: sellers.csv and products.csv in the import format (docs/RUNNING.md § run on a real
 * catalog) and catalog.json with the categories' share of sessions. A product's price is the mean
 * retail price paid for it; one never bought takes its category's median of those, else the log's,
 * else the model's median price (assumptions; such products are counted in `defaultedPrices`).
 */
export function calibratedCatalog(
  name: string,
  fit: Fit,
  tables: LogTables,
  rounds: readonly number[],
  sellers: SellerInfo | null,
) {
  const { tally } = fit
  const { products, categories } = tables
  const categoryName = (p: number) =>
    products.category[p] >= 0 ? categories.name[products.category[p]] : UNKNOWN_CATEGORY
  const paid = (p: number) => (tally.productOrders[p] > 0 ? tally.productRevenue[p] / tally.productOrders[p] : NaN)
  const byCategory = new Map<string, number[]>()
  const all: number[] = []
  for (let p = 0; p < products.count; p++) {
    const price = paid(p)
    if (Number.isNaN(price)) continue
    all.push(price)
    const c = categoryName(p)
    const list = byCategory.get(c)
    if (list) list.push(price)
    else byCategory.set(c, [price])
  }
  const fallback = all.length ? median(all) : CatalogParamsSchema.parse({}).medianPrice
  let defaultedPrices = 0
  const productRows: Row[] = []
  for (let p = 0; p < products.count; p++) {
    let price = paid(p)
    if (Number.isNaN(price)) {
      const known = byCategory.get(categoryName(p))
      price = known ? median(known) : fallback
      defaultedPrices++
    }
    productRows.push({
      product_id: products.id.at(p)!,
      seller_id: tables.sellers.id.at(products.seller[p])!,
      category: categoryName(p),
      price: Math.max(0.01, Math.round(price * 100) / 100),
    })
  }
  const sellerRows: Row[] = Array.from({ length: tables.sellers.count }, (_, s) => {
    const row: Row = { seller_id: tables.sellers.id.at(s)!, join_round: Math.max(0, tally.firstRound[s]) }
    if (sellers?.archetype) row.archetype = ARCHETYPES[sellers.archetype[s]]
    if (sellers?.sizeTier) row.size_tier = SIZE_TIERS[sellers.sizeTier[s]]
    return row
  })
  const shares: Record<string, number> = {}
  for (const r of fit.rows) if (r.quantity === 'category_share') shares[r.key] = r.value
  const catalogJson = {
    name,
    description:
      `Sellers and products of the log, as bench calibrate saw them over ${rounds.length} rounds; join_round is ` +
      'the first round a seller was shown.',
    ...(Object.keys(shares).length ? { categoryShares: shares } : {}),
  }
  const sellerColumns = [
    'seller_id',
    'join_round',
    ...(sellers?.archetype ? ['archetype'] : []),
    ...(sellers?.sizeTier ? ['size_tier'] : []),
  ]
  return {
    files: {
      'catalog/sellers.csv': toCsv(sellerColumns, sellerRows),
      'catalog/products.csv': toCsv(['product_id', 'seller_id', 'category', 'price'], productRows),
      'catalog/catalog.json': `${JSON.stringify(catalogJson, null, 2)}\n`,
    },
    defaultedPrices,
  }
}
