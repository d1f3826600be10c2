import { type ChildProcess, spawn } from 'node:child_process'
import { decodeArrays, type Header, type Message, MessageReader } from './wire.ts'

/** How the kit reaches a plugin that is not a TypeScript module: a command to start, or a service's URL. */
export type RemoteSpec =
  | { kind: 'process'; command: string[]; cwd: string; env?: Record<string, string>; label: string }
  | { kind: 'http'; url: string; label: string }

/** A conversation with one plugin process or service: requests and their replies, in order. */
export interface Transport {
  /** The plugin process's pid (none for a service). */
  readonly pid?: number
  /** Sends a message (its encoded parts) and resolves with the plugin's reply (an `error` reply rejects). */
  request(message: Buffer[]): Promise<Message>
  /** Sends a message that has no reply. */
  send(message: Buffer[]): Promise<void>
  /** Ends the conversation; a process is stopped with its whole process group. */
  close(): Promise<void>
}

/** A plugin failed on its side: its message, and the tail of its stderr when it has one. */
export class RemoteError extends Error {
  override name = 'RemoteError'
}

const STDERR_TAIL = 2000
const GRACE_MS = 2000

/** Every live plugin process of this thread, stopped (with its group) if the thread or process ends first. */
const LIVE = new Set<ChildProcess>()
/**
 * How a cell's plugin processes are kept: `started` is called with each one's pid as it starts (a
 * worker tells its pool, which can stop the group); `memoryMb` limits each one's address space.
 */
export const childWatch: { started?: (pid: number) => void; memoryMb?: number } = {}

/** The command, under the cell's memory limit when it has one (the shell's ulimit, then exec: same pid). */
export function limited(command: readonly string[]): string[] {
  const mb = childWatch.memoryMb
  if (!mb) return [...command]
  return ['/bin/sh', '-c', `ulimit -v ${Math.floor(mb * 1024)} && exec "$0" "$@"`, ...command]
}
process.once('exit', () => {
  for (const child of LIVE) killGroup(child)
})

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

/** A plugin process speaking the protocol on its stdin and stdout, in its own process group. */
export class ProcessTransport implements Transport {
  private readonly child: ChildProcess
  private readonly reader = new MessageReader()
  private readonly queue: Message[] = []
  private waiting: { resolve: (m: Message) => void; reject: (e: Error) => void } | null = null
  private failure: Error | null = null
  private stderr = ''

  get pid(): number | undefined {
    return this.child.pid
  }

  constructor(spec: Extract<RemoteSpec, { kind: 'process' }>) {
    const command = limited(spec.command)
    this.child = spawn(command[0], command.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    })
    LIVE.add(this.child)
    if (this.child.pid !== undefined) childWatch.started?.(this.child.pid)
    this.child.stdout!.on('data', (chunk: Buffer) => {
      try {
        for (const m of this.reader.push(chunk)) this.deliver(m)
      } catch (err) {
        this.fail(`wrote something that is not a protocol message to stdout: ${(err as Error).message}`)
      }
    })
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
    })
    this.child.stdin!.on('error', () => {}) // a closed pipe shows as the process's exit
    this.child.on('error', (err) => this.fail(`could not start (${spec.command.join(' ')}): ${err.message}`))
    this.child.on('exit', (code, signal) => {
      LIVE.delete(this.child)
      // 126/127: the shell that sets the memory limit could not run the command.
      if (command[0] !== spec.command[0] && (code === 126 || code === 127))
        this.fail(`could not start (${spec.command.join(' ')}): not found or not executable`)
      else this.fail(signal ? `was killed by ${signal}` : `exited with code ${code}`)
    })
  }

  private deliver(m: Message): void {
    if (m.header.type === 'error') {
      this.fail(`reported an error: ${String(m.header.message ?? '')}`)
      return
    }
    if (this.waiting) {
      const { resolve } = this.waiting
      this.waiting = null
      resolve(m)
    } else this.queue.push(m)
  }

  private fail(why: string): void {
    if (this.failure) return
    const tail = this.stderr.trim().split('\n').slice(-3).join(' | ')
    this.failure = new RemoteError(`its process ${why}${tail ? `; its stderr ends: ${tail}` : ''}`)
    this.waiting?.reject(this.failure)
    this.waiting = null
  }

  send(message: Buffer[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const stdin = this.child.stdin!
    return new Promise((resolve, reject) => {
      // One writev of the header and the arrays' own bytes: nothing is copied into one buffer first.
      stdin.cork()
      const last = message.length - 1
      for (let i = 0; i < last; i++) stdin.write(message[i])
      stdin.write(message[last], (err) => (err ? reject(this.failure ?? err) : resolve()))
      stdin.uncork()
    })
  }

  async request(message: Buffer[]): Promise<Message> {
    await this.send(message)
    const queued = this.queue.shift()
    if (queued) return queued
    if (this.failure) throw this.failure
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
    })
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
      this.child.stdin!.end()
      const timer = setTimeout(() => killGroup(this.child), GRACE_MS)
      await exited
      clearTimeout(timer)
    }
    killGroup(this.child) // its children too
    LIVE.delete(this.child)
  }
}

/** A ranking service: each message is POSTed to the URL; the reply (if any) is the response body. */
export class HttpTransport implements Transport {
  constructor(private readonly spec: Extract<RemoteSpec, { kind: 'http' }>) {}

  private async post(parts: Buffer[]): Promise<Buffer> {
    const message = Buffer.concat(parts)
    let response: Response
    try {
      response = await fetch(this.spec.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-trafficbench' },
        body: new Uint8Array(message),
      })
    } catch (err) {
      throw new RemoteError(
        `the service ${this.spec.label} cannot be reached: ${(err as Error).cause ?? (err as Error).message}`,
      )
    }
    const body = Buffer.from(await response.arrayBuffer())
    if (!response.ok)
      throw new RemoteError(`the service answered HTTP ${response.status}: ${body.toString('utf8').slice(0, 200)}`)
    return body
  }

  async send(message: Buffer[]): Promise<void> {
    await this.post(message)
  }

  async request(message: Buffer[]): Promise<Message> {
    const body = await this.post(message)
    let messages: Message[]
    try {
      messages = new MessageReader().push(body)
    } catch (err) {
      throw new RemoteError(`the service answered something that is not a message: ${(err as Error).message}`)
    }
    if (messages.length !== 1) throw new RemoteError(`the service answered ${messages.length} messages, not 1`)
    const [m] = messages
    if (m.header.type === 'error') throw new RemoteError(`the service reported an error: ${String(m.header.message)}`)
    return m
  }

  async close(): Promise<void> {}
}

export const openTransport = (spec: RemoteSpec): Transport =>
  spec.kind === 'process' ? new ProcessTransport(spec) : new HttpTransport(spec)

export { decodeArrays, type Header }
