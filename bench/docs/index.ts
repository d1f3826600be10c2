import { writeFileSync } from 'node:fs'
import { FACTS_DOC, renderFactsDoc } from './facts.ts'
import { METRICS_DOC, renderMetricsDoc } from './metrics.ts'

/** The documents rendered from the kit's own definitions (`npm run docs`; test/docs.test.ts checks they are fresh). */
export const RENDERED_DOCS: readonly { file: string; render: () => string }[] = [
  { file: METRICS_DOC, render: renderMetricsDoc },
  { file: FACTS_DOC, render: renderFactsDoc },
]

if (process.argv[1]?.endsWith('bench/docs/index.ts'))
  for (const { file, render } of RENDERED_DOCS) {
    writeFileSync(file, render())
    console.log(`wrote ${file}`)
  }
