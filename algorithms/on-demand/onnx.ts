import { z } from 'zod'
import { averageRating, definePlugin, growInt32, type MarketView, type Session, topK } from '../kit/index.ts'

/**
 * A ranker trained anywhere and exported to ONNX (LightGBM, XGBoost, scikit-learn, PyTorch): the model
 * scores each candidate from a row of features, and the k best scores fill the slots. It ranks a
 * round's sessions in one batch (one inference call), on onnxruntime's WebAssembly build (no native
 * binary, nothing downloaded at install). It runs only when named: --algorithms onnx --param
 * onnx.model=PATH. Features are named as the market's observable columns (products.price,
 * sellers.active …; a seller's or category's column is the candidate product's), `relevance` (the
 * platform's estimate for the session) and `rating` (the product's average rating); `log:` and
 * `log1p:` take the logarithm. The model's first input is [N, features] float32, its first output
 * one score per row.
 */
const FEATURE = /^(?:(log|log1p):)?(relevance|rating|products\.\w+|sellers\.\w+|categories\.\w+)$/

const Params = z.object({
  model: z.string().default('').describe('path of the .onnx model'),
  features: z
    .array(
      z.string().regex(FEATURE, 'relevance, rating, or products./sellers./categories.COLUMN, maybe log: or log1p:'),
    )
    .min(1)
    .default(['relevance']),
})

type Feature = (market: MarketView, session: Session, i: number) => number

function feature(spec: string): Feature {
  const [, transform, name] = FEATURE.exec(spec)!
  const [entity, column] = name.split('.')
  const read: Feature =
    name === 'relevance'
      ? (_m, s, i) => s.relevance[i]
      : name === 'rating'
        ? (m, s, i) => averageRating(m.products.reviews[s.candidates[i]], m.products.ratingSum[s.candidates[i]])
        : entity === 'products'
          ? (m, s, i) => (m.products as unknown as Record<string, ArrayLike<number>>)[column][s.candidates[i]]
          : entity === 'sellers'
            ? (m, s, i) =>
                (m.sellers as unknown as Record<string, ArrayLike<number>>)[column][m.products.seller[s.candidates[i]]]
            : (m, s, i) =>
                (m.categories as unknown as Record<string, ArrayLike<number>>)[column][
                  m.products.category[s.candidates[i]]
                ]
  if (transform === 'log') return (m, s, i) => Math.log(read(m, s, i))
  if (transform === 'log1p') return (m, s, i) => Math.log1p(read(m, s, i))
  return read
}

export default definePlugin({
  name: 'onnx',
  summary: 'An ONNX model scores each candidate from its features; the best scores fill the slots (batch mode)',
  claims: [],
  params: Params,
  paramFiles: (params) => (params.model ? [params.model] : []),
  validate(params) {
    if (!params.model) return { key: 'model', message: 'give the path of an ONNX model: --param onnx.model=PATH' }
    return undefined
  },
  create({ market, params }) {
    const features = params.features.map(feature)
    let model: Promise<import('onnxruntime-web').InferenceSession> | null = null
    const load = async () => {
      const ort = await import('onnxruntime-web')
      ort.env.wasm.numThreads = 1 // deterministic, and no threads of its own inside a cell's worker
      ort.env.logLevel = 'error'
      return ort.InferenceSession.create(params.model)
    }
    let order = new Int32Array(64)
    return {
      rank() {
        throw new Error('onnx ranks in batch mode only (rankBatch)')
      },
      async rankBatch(sessions, slots) {
        model ??= load()
        const session = await model
        const ort = await import('onnxruntime-web')
        const rows = sessions.reduce((n, s) => n + s.n, 0)
        const width = features.length
        const data = new Float32Array(rows * width)
        let at = 0
        for (const s of sessions)
          for (let i = 0; i < s.n; i++) for (let f = 0; f < width; f++) data[at++] = features[f](market, s, i)
        const input = new ort.Tensor('float32', data, [rows, width])
        const output = await session.run({ [session.inputNames[0]]: input })
        const scores = output[session.outputNames[0]].data as Float32Array
        if (scores.length !== rows) throw new Error(`the model gave ${scores.length} scores for ${rows} candidates`)
        let from = 0
        sessions.forEach((s, j) => {
          order = growInt32(order, s.k)
          const got = topK(scores.subarray(from, from + s.n), s.n, s.k, order)
          for (let r = 0; r < got; r++) slots[j].push(s.candidates[order[r]])
          from += s.n
        })
      },
    }
  },
})
