// A worker thread loads plugins the way bin/bench.js does: TypeScript through tsx and the kit by
// package name (trafficbench/kit), both registered in this thread (Node 20 workers inherit neither).
import { register } from 'tsx/esm/api'
import { registerKitResolver } from '../../algorithms/kit/resolve-hook.js'

register()
registerKitResolver()
const { runCellTask } = await import('./worker.ts')
export default runCellTask
