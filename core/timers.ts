/** Node's timers hold at most 2^31 − 1 ms (24.8 days; a longer one fires at once): a longer wait goes in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

export function longTimeout(fire: () => void, ms: number): { clear(): void } {
  let timer: NodeJS.Timeout
  const wait = (left: number) => {
    timer = setTimeout(left > MAX_TIMER_MS ? () => wait(left - MAX_TIMER_MS) : fire, Math.min(left, MAX_TIMER_MS))
  }
  wait(ms)
  return { clear: () => clearTimeout(timer) }
}
