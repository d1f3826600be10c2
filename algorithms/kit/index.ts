// Everything a plugin author needs, from one import.
export { definePlugin } from './contract.ts'
export type { MarketView, Plugin, PlatformRules, PluginContext, Ranker, ReadonlyColumn, RoundFeedback, Session } from './contract.ts'
export { Slots } from './slots.ts'
export { topK, fillByScore } from './topk.ts'
export { gspAuction, auctionScratch } from './auction.ts'
export { effectiveBid, placePinned } from './ads.ts'
export { SponsoredPage } from './sponsored.ts'
export { ScoredPage } from './scored.ts'
export { growFloat64, growInt32 } from './buffers.ts'
export { AMAZON_DELIVERY_DAYS, amazonFulfilmentFee, amazonReferralRate, FLAT_REFERRAL_RATE } from './fees.ts'
export { averageRating } from '../../datasets/catalog.ts'
// Plugin files outside this project import zod from here, so the kit and the plugin share one zod.
export { z } from 'zod'
