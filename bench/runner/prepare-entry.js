// The thread that reads a run's --plugin files (prepare-thread.ts), loaded the way bin/bench.js loads the kit:
// TypeScript through tsx and the kit by package name, both registered in this thread.
import { workerData } from 'node:worker_threads'

const { register } = await import('tsx/esm/api')
const { registerKitResolver } = await import('../plugins/resolve-hook.js')

register()
registerKitResolver()
const { prepareHere } = await import('./prepare-thread.ts')
await prepareHere(workerData)
