import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bench, readCsvRows, tempDir } from './helpers/cli.ts'

const MODEL = ['--param', 'onnx.model=examples/onnx/linear.onnx']
const FEATURES = ['--param', 'onnx.features=["relevance","log:products.price","rating"]']

describe('an ONNX model as a ranker (onnxruntime-web, installed by npm ci)', () => {
  it('runs through bench run, only when named, and passes bench check', () => {
    const out = join(tempDir('trafficbench-onnx-'), 'out')
    const r = bench([
      'run',
      ...['--scenario', 'small', '--rounds', '3', '--algorithms', 'relevance,onnx', ...MODEL, ...FEATURES],
      ...['--bench-time', '50', '--out', out],
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = readCsvRows(join(out, 'summary.csv'))
    expect(summary.map((s) => s.algorithm)).toEqual(['relevance', 'onnx'])
    expect(Number(summary[1].conversion_rate)).toBeGreaterThan(0)
    const speed = readCsvRows(join(out, 'throughput.csv'))[1]
    expect(Number(speed.rank_ops_per_sec)).toBeGreaterThan(0)
    const check = bench(['check', 'onnx', ...MODEL, ...FEATURES])
    expect(check.stdout).toMatch(/1 plugin\(s\): every check passed/)
    expect(check.code).toBe(0)
  })

  it('is left out of a run that names no algorithm, and refuses to run without its model', () => {
    expect(bench(['list']).stdout).toMatch(/onnx +\[runs when named\]/)
    const none = bench(['run', '--scenario', 'small', '--algorithms', 'onnx', '--out', join(tempDir(), 'x')])
    expect(none.code).toBe(2)
    expect(none.stderr).toBe('bench: onnx.model="": give the path of an ONNX model: --param onnx.model=PATH\n')
  })
})
