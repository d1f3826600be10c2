// A thread that loads plugins the way bin/bench.js loads the kit (TypeScript through tsx, the kit by package name,
// both registered in this thread), then runs one exported function of a module with the thread's data:
// workerData = { module: URL, run: export name, data }. bench check's and bench run's plugin-reading threads.
import { workerData } from 'node:worker_threads'

const { register } = await import('tsx/esm/api')
const { registerKitResolver } = await import('./resolve-hook.js')

register()
registerKitResolver()
const module = await import(workerData.module)
await module[workerData.run](workerData.data)
