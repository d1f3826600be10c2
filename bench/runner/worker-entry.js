// A worker thread runs TypeScript the way bin/bench.js does: through tsx, registered in this thread.
import { register } from 'tsx/esm/api'

register()
const { runCellTask } = await import('./worker.ts')
export default runCellTask
