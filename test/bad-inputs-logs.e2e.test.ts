import { join } from 'node:path'
import { type Case, describeBadInputs, write } from './helpers/bad-inputs.ts'

/** Impression logs and the commands that read them: metrics, calibrate, rerank (see test/helpers/bad-inputs.ts). */
const HEADER = 'session_id,round,position,product_id,seller_id,sponsored,clicked,purchased,price,cpc,propensity'
const GOOD = [
  '1,0,1,p1,s1,0,1,1,9.5,,0.5',
  '1,0,2,p2,s2,0,0,0,,,0.5',
  '2,1,1,p2,s2,0,1,0,,,0.5',
  '2,1,2,p1,s1,0,0,0,,,0.5',
]
const log =
  (...rows: string[]) =>
  (dir: string) =>
    write(dir, { 'log.csv': `${[HEADER, ...rows].join('\n')}\n` })
const on =
  (command: string, ...extra: string[]) =>
  (dir: string) => [command, '--log', join(dir, 'log.csv'), ...extra, '--out', join(dir, 'out')]

const CASES: Case[] = [
  {
    name: 'a log that is not UTF-8 (Latin-1 seller ids)',
    setup: (dir) =>
      write(dir, {
        'log.csv': Buffer.from(`${[HEADER, ...GOOD.slice(0, 3), '2,1,2,p1,sé,0,0,0,,,0.5'].join('\n')}\n`, 'latin1'),
      }),
    args: on('metrics'),
    code: 2,
    message: /log\.csv line 5, column 11: not valid UTF-8 \(byte 0xE9\)/,
  },
  {
    name: 'two purchases in one session',
    setup: log('1,0,1,p1,s1,0,1,1,9.5,,0.5', '1,0,2,p2,s2,0,1,1,3,,0.5'),
    args: on('calibrate'),
    code: 2,
    message: /log\.csv line 3, column purchased \(value "1"\): session "1" has a second purchase/,
  },
  {
    name: 'a purchase without a click',
    setup: log('1,0,1,p1,s1,0,0,1,9.5,,0.5'),
    args: on('rerank', '--algorithms', 'relevance'),
    code: 2,
    message: /log\.csv line 2, column purchased \(value "1"\): a purchase without a click/,
  },
  {
    name: 'the same product twice in one session',
    setup: log('1,0,1,p1,s1,0,0,0,,,0.5', '1,0,2,p1,s1,0,0,0,,,0.5'),
    args: on('metrics'),
    code: 2,
    message: /log\.csv line 3, column product_id \(value "p1"\): product "p1" is shown twice in session "1"/,
  },
  {
    name: 'a propensity of 0',
    setup: log('1,0,1,p1,s1,0,0,0,,,0'),
    args: on('rerank', '--algorithms', 'relevance'),
    code: 2,
    message: /log\.csv line 2, column propensity \(value "0"\): expected a probability in \(0, 1\]: a product/,
  },
  {
    name: 'a propensity above 1',
    setup: log('1,0,1,p1,s1,0,0,0,,,1.5'),
    args: on('calibrate'),
    code: 2,
    message: /log\.csv line 2, column propensity \(value "1\.5"\): expected a probability in \(0, 1\]/,
  },
  {
    name: 'a propensity left blank on one row',
    setup: log('1,0,1,p1,s1,0,0,0,,,0.5', '1,0,2,p2,s2,0,0,0,,,'),
    args: on('calibrate'),
    code: 2,
    message: /log\.csv line 3, column propensity: blank, but when the column is present every impression row/,
  },
  {
    name: 'holding out rounds of a one-round log',
    setup: log('1,0,1,p1,s1,0,1,0,,,0.5'),
    args: on('calibrate', '--holdout', '0.3'),
    code: 2,
    message: /--holdout 0\.3: the log has 1 round; holding some out needs at least 2/,
  },
  {
    name: 'a holdout share of 1',
    setup: log(...GOOD),
    args: on('calibrate', '--holdout', '1'),
    code: 2,
    message: /--holdout.*expected a share between 0 and 1/,
  },
  {
    name: 'a calibration folder without fit.csv',
    setup: (dir) => {
      log(...GOOD)(dir)
      write(dir, { 'cal/readme.txt': 'not a calibration' })
    },
    args: (dir) => on('rerank', '--calibration', join(dir, 'cal'), '--algorithms', 'relevance')(dir),
    code: 2,
    message: /--calibration .*cal: expected fit\.csv and catalog\/ \(a bench calibrate folder\)/,
  },
  {
    name: 'a plugin that reads the hidden truth, on a log',
    setup: log(...GOOD),
    args: on('rerank', '--algorithms', 'oracle'),
    code: 2,
    message: /oracle reads the simulation's hidden truth \(truth: true\), which a log does not have/,
  },
  {
    name: 'a candidate product in neither the log nor --products',
    setup: (dir) => {
      log(...GOOD)(dir)
      write(dir, { 'candidates.csv': 'session_id,round,product_id\n1,0,p1\n1,0,p9\n' })
    },
    args: (dir) => on('rerank', '--candidates', join(dir, 'candidates.csv'), '--algorithms', 'relevance')(dir),
    code: 2,
    message: /--candidates .*candidates\.csv line 3, column product_id: product "p9" is in neither the log nor/,
  },
  {
    name: 'candidates of a session the log does not have',
    setup: (dir) => {
      log(...GOOD)(dir)
      write(dir, { 'candidates.csv': 'session_id,round,product_id\n7,0,p1\n' })
    },
    args: (dir) => on('rerank', '--candidates', join(dir, 'candidates.csv'), '--algorithms', 'relevance')(dir),
    code: 2,
    message: /--candidates .*candidates\.csv: session "7" of round 0 is not in the log/,
  },
  {
    name: 'a weight clip below 1',
    setup: log(...GOOD),
    args: on('rerank', '--clip', '0.5'),
    code: 2,
    message: /--clip.*expected a number ≥ 1/,
  },
  {
    name: 'a scenario name with a space',
    setup: log(...GOOD),
    args: on('metrics', '--scenario', 'my shop'),
    code: 2,
    message: /--scenario my shop: expected a name of letters, digits/,
  },
  {
    name: 'blocks of an unknown unit',
    setup: log(...GOOD),
    args: on('metrics', '--blocks', 'week'),
    code: 2,
    message: /--blocks.*week.*round/,
  },
]

describeBadInputs('logs', CASES, 15)
