import { afterEach, describe, expect, it, vi } from 'vitest'
import { longTimeout } from '../core/timers.ts'

describe('longTimeout', () => {
  afterEach(() => vi.useRealTimers())

  it("waits past Node timers' 24.8-day ceiling instead of firing at once", () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    const ceiling = 2 ** 31 - 1
    longTimeout(fired, 3 * ceiling + 5)
    vi.advanceTimersByTime(3 * ceiling)
    expect(fired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(5)
    expect(fired).toHaveBeenCalledOnce()
  })

  it('clears at any step', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    const t = longTimeout(fired, 2 ** 32)
    vi.advanceTimersByTime(2 ** 31)
    t.clear()
    vi.advanceTimersByTime(2 ** 32)
    expect(fired).not.toHaveBeenCalled()
  })
})
