// A worker thread loads plugins the way bin/bench.js does: TypeScript through tsx and the kit by
// package name (trafficbench/kit), both registered in this thread (Node 20 workers inherit neither).
// The engine's npm packages load first, before the TypeScript loader: through its hooks every one
// of zod's files costs a round trip to the loader's thread (measured: a thread's start 1.0 s of CPU
// with them loaded after, 0.64 s before). Later imports of them, the plugins' too, reuse these.
await Promise.all(
  ['zod', 'seedrandom', 'csv-parse/sync', 'csv-stringify/sync', 'tinybench'].map((name) => import(name)),
)
const { register } = await import('tsx/esm/api')
const { registerKitResolver } = await import('../../plugins/resolve-hook.js')

register()
registerKitResolver()
const { runCellTask } = await import('./worker.ts')
export default runCellTask
