/** A --fail-on gate or --strict check was broken: the output was printed; exit 1 with the message on stderr. */
export class GatesFailed extends Error {}

/** What every command may know of its invocation. */
export interface CommandContext {
  /** `bench` and the arguments as given (for manifest.json and the cell store). */
  commandLine: string[]
  /** --debug was given: print stack traces. */
  debug: boolean
}
