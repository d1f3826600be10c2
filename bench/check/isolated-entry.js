// bench check runs each plugin in a thread of its own, loaded the way bin/bench.js loads the kit:
// TypeScript through tsx and the kit by package name, both registered in this thread.
import { workerData } from 'node:worker_threads'

const { register } = await import('tsx/esm/api')
const { registerKitResolver } = await import('../plugins/resolve-hook.js')

register()
registerKitResolver()
const { checkInThread } = await import('./isolated-thread.ts')
await checkInThread(workerData)
