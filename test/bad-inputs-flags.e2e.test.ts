import { join } from 'node:path'
import { type Case, describeBadInputs, run, write } from './helpers/bad-inputs.ts'

/** Flags and commands: each case's command line must fail as named (see test/helpers/bad-inputs.ts). */
const CASES: Case[] = [
  // Flags
  {
    name: 'unknown option',
    args: run('--sed', '3'),
    code: 2,
    message: /unknown option '--sed' \(Did you mean --seeds\?\)/,
  },
  {
    name: '--seeds 0',
    args: run('--seeds', '0'),
    code: 2,
    message: /'--seeds <n>' argument '0' is invalid\. expected a whole number ≥ 1/,
  },
  { name: '--seeds 1.5', args: run('--seeds', '1.5'), code: 2, message: /argument '1\.5' is invalid/ },
  {
    name: '--seeds 1e9 refused before simulating',
    args: run('--seeds', '1e9'),
    code: 2,
    message: /this run is too large: estimated .* of memory and [\d,]+ years, but the machine has/,
  },
  { name: '--rounds -1', args: run('--rounds', '-1'), code: 2, message: /'--rounds <n>' argument '-1' is invalid/ },
  {
    name: '--sessions abc',
    args: run('--sessions', 'abc'),
    code: 2,
    message: /'--sessions <n>' argument 'abc' is invalid/,
  },
  {
    name: '--param and --sweep of one key',
    args: run('--algorithms', 'amazon', '--param', 'amazon.adSlots=2', '--sweep', 'amazon.adSlots=0,4'),
    code: 2,
    message: /--param and --sweep: amazon\.adSlots is set twice \(--param amazon\.adSlots=2 and --sweep/,
  },
  { name: '--bench-time -5', args: run('--bench-time', '-5'), code: 2, message: /expected a whole number ≥ 0/ },
  {
    name: '--algorithms ,',
    args: run('--algorithms', ','),
    code: 2,
    message: /argument ',' is invalid\. expected a comma-separated list of names, none empty/,
  },
  {
    name: '--algorithms with an empty entry',
    args: run('--algorithms', 'relevance,,random'),
    code: 2,
    message: /none empty/,
  },
  {
    name: '--algorithms twice the same',
    args: run('--algorithms', 'relevance,relevance'),
    code: 2,
    message: /--algorithms: "relevance" is named twice/,
  },
  {
    name: '--algorithms unknown',
    args: run('--algorithms', 'ebay'),
    code: 2,
    message: /unknown algorithm "ebay"; available: aliexpress, amazon/,
  },
  {
    name: '--param unknown key',
    args: run('--param', 'amazon.nope=1'),
    code: 2,
    message: /amazon has no parameter "nope"/,
  },
  {
    name: '--param wrong type',
    args: run('--param', 'temu.markup=lots'),
    code: 2,
    message: /temu's parameter markup: Invalid input: expected number, received string/,
  },
  {
    name: '--param without a plugin',
    args: run('--param', 'markup=2'),
    code: 2,
    message: /expected algorithm\.key=value/,
  },
  {
    name: '--param set twice',
    args: run('--param', 'amazon.adSlots=1', '--param', 'amazon.adSlots=2'),
    code: 2,
    message: /--param: amazon\.adSlots is set twice/,
  },
  {
    name: '--param ad positions repeated',
    args: run('--param', 'amazon.adPositions=[1,1,1,1]', '--param', 'amazon.adSlots=4'),
    code: 2,
    message: /^bench: amazon\.adPositions=\[1,1,1,1\]: position 1 is listed twice/,
  },
  {
    name: '--param ad positions beyond k',
    args: run('--param', 'amazon.adPositions=[100,200]'),
    code: 2,
    message: /^bench: amazon\.adPositions=\[100,200\]: position 100 is beyond the 20 slots/,
  },
  {
    name: '--param more ad slots than positions',
    args: run('--param', 'amazon.adSlots=9'),
    code: 2,
    message: /^bench: amazon\.adSlots=9: 9 ad slots but adPositions lists 6 positions/,
  },
  {
    name: '--sweep an ad position beyond k',
    args: run('--sweep', 'aliexpress.adPositions=[1],[21]', '--param', 'aliexpress.adSlots=1'),
    code: 2,
    message: /aliexpress\.adPositions=\[21\]: position 21 is beyond/,
  },
  {
    name: '--param unknown pricing rule',
    args: run('--param', 'amazon.adPricing=second'),
    code: 2,
    message: /amazon's parameter adPricing: Invalid option: expected one of "gsp"\|"first"\|"vcg"/,
  },
  {
    name: '--sweep a value twice',
    args: run('--sweep', 'amazon.adSlots=2,2'),
    code: 2,
    message: /--sweep amazon\.adSlots=2,2: the value 2 is listed twice/,
  },
  {
    name: '--sweep empty',
    args: run('--sweep', 'temu.markup='),
    code: 2,
    message: /expected a comma-separated list of values with none empty/,
  },
  {
    name: '--sweep a key twice',
    args: run('--sweep', 'amazon.adSlots=1,2', '--sweep', 'amazon.adSlots=3'),
    code: 2,
    message: /--sweep: amazon\.adSlots is set twice/,
  },
  {
    name: 'run --format yaml',
    args: run('--format', 'yaml'),
    code: 2,
    message: /argument 'yaml' is invalid\. Allowed choices are table, json/,
  },
  {
    name: 'list --format xml',
    args: () => ['list', '--format', 'xml'],
    code: 2,
    message: /Allowed choices are table, json/,
  },
  {
    name: 'facts --format yaml',
    args: (dir) => ['facts', '--format', 'yaml', '--out', join(dir, 'out')],
    code: 2,
    message: /Allowed choices are table, csv, json/,
  },
  {
    name: 'facts --seeds 1e9',
    args: (dir) => ['facts', '--seeds', '1e9', '--out', join(dir, 'out')],
    code: 2,
    message: /this run is too large/,
  },
  { name: 'unknown command', args: () => ['rnu'], code: 2, message: /unknown command 'rnu' \(Did you mean run\?\)/ },
  {
    name: 'report on a folder that is no results folder',
    args: (dir) => ['report', dir],
    setup: (dir) => write(dir, { 'notes.txt': 'x' }),
    code: 2,
    message: /is not a complete results folder: no summary\.csv/,
  },
]

describeBadInputs('flags', CASES, 29)
