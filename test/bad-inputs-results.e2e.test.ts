import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Case,
  compare,
  describeBadInputs,
  HOME,
  KIT,
  MANIFEST,
  out,
  SUMMARY,
  summary,
  write,
} from './helpers/bad-inputs.ts'

/** What compare reads and where run and facts write: results and --out targets (see test/helpers/bad-inputs.ts). */
const CASES: Case[] = [
  // Compare inputs
  { name: 'compare one input', args: (dir) => ['compare', dir], code: 2, message: /compare needs at least two inputs/ },
  {
    name: 'compare a missing path',
    args: (dir) => ['compare', join(dir, 'nope'), join(dir, 'nope')],
    code: 2,
    message: /nope: no such file or folder/,
  },
  {
    name: 'compare a folder without results',
    setup: (dir) => write(dir, { 'empty/notes.txt': 'x' }),
    args: (dir) => ['compare', join(dir, 'empty'), join(dir, 'empty')],
    code: 2,
    message: /the folder holds neither summary\.csv nor throughput\.csv/,
  },
  {
    name: 'compare a bad number',
    setup: summary(SUMMARY.replace('0.6', 'high')),
    args: compare(),
    code: 2,
    message: /summary\.csv line 3, column gini_exposure \(value "high"\)/,
  },
  {
    name: 'compare a header without rows',
    setup: summary('algorithm,variant,scenario,seed,gini_exposure\r\n'),
    args: compare(),
    code: 2,
    message: /has a header but no rows/,
  },
  {
    name: 'compare a row twice',
    setup: summary(`${SUMMARY}relevance,,small,2,0.7\r\n`),
    args: compare(),
    code: 2,
    message: /line 4: relevance \/ small seed 2 appears twice/,
  },
  {
    name: 'compare --metrics unknown',
    setup: summary(),
    args: compare('--metrics', 'nope'),
    code: 2,
    message: /--metrics: no column nope in the inputs/,
  },
  {
    name: 'compare --format yaml',
    setup: summary(),
    args: compare('--format', 'yaml'),
    code: 2,
    message: /--format yaml: expected one of table, md, csv, json/,
  },
  {
    name: 'compare --fail-on malformed',
    setup: summary(),
    args: compare('--fail-on', 'gini_exposure'),
    code: 2,
    message: /--fail-on gini_exposure: expected \[candidate:\]metric:\+limit/,
  },
  // --out targets
  {
    name: '--out .',
    args: out('.'),
    code: 2,
    message: /--out "\.": is the working directory; nothing was written or deleted/,
  },
  { name: '--out ""', args: out(''), code: 2, message: /--out "": an empty path \(an unset variable\?\)/ },
  { name: '--out ..', args: out('..'), code: 2, message: /--out "\.\.": is a parent of the working directory/ },
  { name: '--out /', args: out('/'), code: 2, message: /is the root of the file system/ },
  { name: '--out the kit itself', args: out(KIT), code: 2, message: /is the trafficbench folder itself/ },
  {
    name: '--out a file',
    args: out(join(HOME, 'sentinel.txt')),
    code: 2,
    message: /sentinel\.txt: is a file, not a results folder/,
  },
  {
    name: '--out a folder of other files',
    setup: (dir) => write(dir, { 'mine/notes.txt': 'keep', 'mine/summary.csv': 'mine' }),
    args: out((dir) => join(dir, 'mine')),
    code: 2,
    message: /is a folder with other files \(notes\.txt\), not a trafficbench results folder/,
  },
  {
    name: '--out a folder whose manifest is not the kit’s',
    setup: (dir) => write(dir, { 'mine/manifest.json': '{"app": "other"}' }),
    args: out((dir) => join(dir, 'mine')),
    code: 2,
    message: /no manifest\.json written by bench/,
  },
  {
    name: '--out a results folder with a file added',
    setup: (dir) => write(dir, { 'res/manifest.json': MANIFEST, 'res/analysis.ipynb': '{}' }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: /other files \(analysis\.ipynb\)/,
  },
  {
    name: '--out a symbolic link',
    setup: (dir) => {
      write(dir, { 'res/manifest.json': MANIFEST })
      symlinkSync(join(dir, 'res'), join(dir, 'link'))
    },
    args: out((dir) => join(dir, 'link')),
    code: 2,
    message: /is a symbolic link/,
  },
  {
    name: '--out under a file',
    setup: (dir) => write(dir, { 'file.txt': 'x' }),
    args: out((dir) => join(dir, 'file.txt', 'out')),
    code: 2,
    message: /--out .*file\.txt\/out: a part of the path is a file, not a folder \(ENOTDIR\)/,
  },
  {
    name: '--out where nothing may be written',
    args: out('/sys/trafficbench-out'),
    code: 2,
    message: /cannot write in \/sys: (permission denied|operation not permitted|read-only file system)/,
  },
  {
    name: '--out another live run is writing',
    setup: (dir) => write(dir, { 'res.lock': JSON.stringify({ pid: process.pid, startedAt: 'now' }) }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: new RegExp(`another run \\(pid ${process.pid}, since now\\) is writing this folder`),
  },
  {
    name: '--out beside a foreign .lock file',
    setup: (dir) => write(dir, { 'res.lock': 'not ours' }),
    args: out((dir) => join(dir, 'res')),
    code: 2,
    message: /res\.lock exists and is not a trafficbench lock/,
  },
  { name: 'facts --out .', args: out('.', 'facts'), code: 2, message: /--out "\.": is the working directory/ },
]

describeBadInputs('results and --out targets', CASES, 24)
