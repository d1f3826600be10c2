// Tests for my-plugin, written by `bench new-plugin`: run them with `npx vitest run` on this file.
import { checkPlugin, rankOnce, searchSession, tinyMarket } from 'trafficbench/check'
import { describe, expect, it } from 'vitest'
import plugin from './plugin.ts'

describe('my-plugin', () => {
  it('passes the conformance checks of `bench check`', async () => {
    const results = await checkPlugin(plugin, { file: new URL('./plugin.ts', import.meta.url) })
    expect(results.filter((r) => !r.passed)).toEqual([])
  }, 120_000) // two short simulated runs and a type check

  it('shows the more relevant of two listings with equal sales first', () => {
    const market = tinyMarket(
      [{}],
      [
        { seller: 0, sales: 10 },
        { seller: 0, sales: 10 },
      ],
    )
    expect(rankOnce(plugin, market, searchSession([0, 1], [0.3, 0.9])).products).toEqual([1, 0])
  })

  it('lets sales outweigh a small relevance gap', () => {
    const market = tinyMarket(
      [{}],
      [
        { seller: 0, sales: 0 },
        { seller: 0, sales: 1000 },
      ],
    )
    expect(rankOnce(plugin, market, searchSession([0, 1], [0.5, 0.45])).products).toEqual([1, 0])
  })
})
