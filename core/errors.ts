import type { z } from 'zod'

/**
 * Bad input from the user — a file, a flag, a parameter, a plugin. The CLI prints the message
 * without a stack trace and exits 2; any other error is a failure of the kit and exits 1.
 */
export class InputError extends Error {
  override name = 'InputError'
}

/** Every zod issue on one line: where (a dotted path) and what was expected, separated by "; ". */
export function describeIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.')
      return `${path || '(top level)'}: ${issue.message}`
    })
    .join('; ')
}

/** Parses with a schema; on failure throws an InputError that names `what` and every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, root = ''): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new InputError(`${what} is not valid: ${describeIssues(result.error, root)}`)
  return result.data
}
