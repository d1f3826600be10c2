#!/usr/bin/env node
// Lists every line longer than MAX characters in the project's code and JSON files (tracked, or new and not
// git-ignored) as file:line: length, and exits 1 if there is any. Biome's formatter keeps code within the same width
// but cannot split a long string, template, regex or comment; this catches those.
// JSON cannot split a string either: a JSON line that is only one key and one string value is exempt.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const MAX = 120
const CHECKED = /\.(ts|mts|cts|js|mjs|cjs|json|jsonc)$/
const SKIPPED = new Set(['package-lock.json'])
const JSON_STRING_LINE = /^\s*("(?:[^"\\]|\\.)*"\s*:\s*)?"(?:[^"\\]|\\.)*",?$/

const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
  .split('\0')
  .filter((f) => CHECKED.test(f) && !SKIPPED.has(f.split('/').at(-1)) && existsSync(f))

let long = 0
for (const file of [...new Set(files)].sort()) {
  const json = /\.jsonc?$/.test(file)
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      // Characters, not UTF-16 units or bytes: `×` and `Δ` count one each.
      const length = [...line].length
      if (length <= MAX || (json && JSON_STRING_LINE.test(line))) return
      console.log(`${file}:${i + 1}: ${length} characters`)
      long++
    })
}
if (long) {
  console.error(`${long} line${long > 1 ? 's' : ''} over ${MAX} characters`)
  process.exit(1)
}
