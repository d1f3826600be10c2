// Everything a plugin author needs, from one import.

// Plugin files outside this project import zod from here, so the kit and the plugin share one zod.
export { z } from 'zod'
export type { Department } from '../../core/catalog.ts'
export { averageRating } from '../../core/catalog.ts'
export type { Rng } from '../../core/rng.ts'
export { effectiveBid, placePinned } from './ads.ts'
export { examinationWeights } from './attention.ts'
export type { AdPricing, AuctionRules } from './auction.ts'
export { AD_PRICING_RULES, adPricingParam, auctionScratch, gspAuction, positionAuction } from './auction.ts'
export { growFloat64, growInt32 } from './buffers.ts'
export type {
  MarketView,
  ParamProblem,
  PlatformRules,
  Plugin,
  PluginContext,
  Ranker,
  ReadonlyColumn,
  RoundFeedback,
  Session,
  SessionFeedback,
  SessionKind,
  TruthView,
} from './contract.ts'
export { definePlugin } from './contract.ts'
export {
  AMAZON_DELIVERY_DAYS,
  amazonFulfilmentFee,
  amazonReferralRate,
  FLAT_REFERRAL_RATE,
  HAUL_MAX_PRICE,
  HAUL_MAX_WEIGHT_LB,
} from './fees.ts'
export { ScoredPage } from './scored.ts'
export { Slots } from './slots.ts'
export type { SponsoredSlotParams } from './sponsored.ts'
export { SponsoredPage, sponsoredSlotsProblem } from './sponsored.ts'
export { topK } from './topk.ts'
