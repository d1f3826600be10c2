/** The built-in algorithms, in the order bench list and a default run give them. */
export const BUILT_INS = [
  'aliexpress',
  'amazon',
  'amazon-haul',
  'fair-exposure',
  'oracle',
  'random',
  'relevance',
  'temu',
  'thompson',
  'tiktok',
]
