import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { KIT_ROOT } from '../../core/paths.ts'

/**
 * Makes the child print its peak resident set size (kB) on exit. Linux's VmHWM belongs to the
 * process image, so unlike getrusage's maxrss (kept across exec) it does not include this parent.
 */
const PEAK_RSS =
  'data:text/javascript,import{readFileSync}from"node:fs";' +
  'process.on("exit",()=>{let kb=process.resourceUsage().maxRSS;' +
  'try{kb=Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1])}catch{}' +
  'process.stderr.write("peak_rss_kb="+kb+"\\n")})'

/** `bench ARGS…` in its own process: wall time, peak RSS, and how it ended. */
export function measureBench(args: string[]): { seconds: number; peakMb: number; ok: boolean; stderr: string } {
  const started = performance.now()
  const r = spawnSync(process.execPath, ['--import', PEAK_RSS, join(KIT_ROOT, 'bin/bench.js'), ...args], {
    cwd: KIT_ROOT,
    encoding: 'utf8',
  })
  const seconds = (performance.now() - started) / 1000
  const kb = Number(/peak_rss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN)
  return { seconds, peakMb: kb / 1024, ok: r.status === 0, stderr: r.stderr }
}
