import type { Plugin } from '../../../algorithms/kit/contract.ts'
import { rulesOver, sealedProcess } from './client.ts'

/** Enough for any describe, parameter check or rule question (the market never crosses here). */
const DESCRIBE_BYTES = 4 * 2 ** 20

/**
 * A --plugin file as `bench run --sealed` prepares it: a Plugin whose every part — its name, its parameters' checks,
 * validate, paramFiles, platform() — is answered by the plugin's own sealed process, so that its code never runs
 * with the kit's rights, not even its top level. Only what the plan needs; `create` is never called here.
 */
export function describeSealed(file: string, readable: readonly string[]): Plugin {
  const { channel, bundle } = sealedProcess(file, readable, DESCRIBE_BYTES)
  const d = channel.call({ type: 'describe', bundle }) as Record<string, unknown> & {
    keys: string[]
    hooks: Record<'validate' | 'paramFiles' | 'platform', boolean>
  }
  const safeParse = (given: unknown) => {
    const r = channel.call({ type: 'parse', given: given as Record<string, unknown> })
    return r.success ? { success: true, data: r.data } : { success: false, error: { issues: r.issues } }
  }
  const params = {
    shape: Object.fromEntries(d.keys.map((k) => [k, true])),
    safeParse,
    parse(given: unknown) {
      const r = safeParse(given)
      if (!r.success) throw new Error(`${d.name}: parameters refused`)
      return r.data
    },
  }
  return {
    name: d.name,
    summary: d.summary,
    claims: d.claims,
    truth: d.truth,
    files: d.files,
    params,
    create: () => {
      throw new Error(`${d.name} is sealed: it runs in a process of its own`)
    },
    ...(d.hooks.validate && {
      validate: (p: Record<string, unknown>, { k }: { k: number }) =>
        channel.call({ type: 'validate', params: p, k }).problem ?? undefined,
    }),
    ...(d.hooks.paramFiles && {
      paramFiles: (p: Record<string, unknown>) => channel.call({ type: 'paramFiles', params: p }).files as string[],
    }),
    ...(d.hooks.platform && {
      platform: (p: Record<string, unknown>) =>
        rulesOver(channel, channel.call({ type: 'platform', params: p }).rules as never),
    }),
  } as unknown as Plugin
}
