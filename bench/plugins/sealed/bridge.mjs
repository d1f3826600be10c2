// The sealed plugin's courier: a thread that talks to the plugin's process with ordinary async pipes
// while the engine's thread waits on a SharedArrayBuffer (client.ts), so the engine can call the
// plugin synchronously, as it calls a plugin in its own thread. Plain JavaScript: no loader needed.
import { spawn } from 'node:child_process'
import { workerData } from 'node:worker_threads'

const [REQUEST, SENT, REPLY, ERROR, CLOSE] = [1, 2, 3, 4, 5]
const { command, args, control, data } = workerData
const ctrl = new Int32Array(control)
const buf = new Uint8Array(data)
let closing = false
let stderr = ''

// Messages travel on fd 3, so whatever the plugin prints (fd 1, fd 2) is kept as text for error messages, never read
// as a message; the environment is empty (no secrets of the caller's); its own process group, stopped whole.
const child = spawn(command[0], [...command.slice(1), ...args], {
  stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  detached: true,
  env: {},
})
// The process's pid, as the kit started it (never as the process reports itself): the pool stops its group.
Atomics.store(ctrl, 2, child.pid ?? -1)
Atomics.notify(ctrl, 2)
const keep = (d) => {
  stderr = (stderr + d).slice(-4000)
}
child.stdout.on('data', keep)
child.stderr.on('data', keep)
// A pending Atomics.waitAsync does not keep this thread alive: without this, it would end with the process and leave
// the engine waiting.
const alive = setInterval(() => {}, 1 << 30)

/** Hands the engine an answer (or why there is none) and wakes it. */
function answer(state, bytes) {
  const n = Math.min(bytes.length, buf.length)
  buf.set(bytes.subarray(0, n))
  Atomics.store(ctrl, 1, n)
  Atomics.store(ctrl, 0, state)
  Atomics.notify(ctrl, 0)
}
const fail = (message) => answer(ERROR, Buffer.from(message))
const lastLines = (text) => text.trim().split('\n').slice(-5).join(' | ')

let pending = Buffer.alloc(0)
const channel = child.stdio[3]
channel.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
  while (pending.length >= 4) {
    const length = pending.readUInt32LE(0)
    if (length > buf.length) {
      ended(`a reply of ${length} bytes does not fit the sealed channel (${buf.length})`)
      child.kill('SIGKILL')
      return
    }
    if (pending.length < 4 + length) break
    const body = pending.subarray(4, 4 + length)
    pending = pending.subarray(4 + length)
    answer(REPLY, body)
  }
})
/** Why the process is gone, once it is: every later request is answered with it. */
let gone = null
const ended = (why) => {
  gone ??= why
  if (!closing) fail(gone)
}
child.stdin.on('error', () => {})
child.on('error', (err) => ended(`could not start the sealed plugin's process: ${err.message}`))
// 'close', not 'exit': the process's last replies may still be in the pipe when it exits.
child.on('close', (code, signal) =>
  ended(
    `the sealed plugin's process ended (${signal ?? `exit code ${code}`})` +
      (stderr.trim() ? `: ${lastLines(stderr)}` : ''),
  ),
)

// Each request the engine posts goes to the process; CLOSE ends the process and this thread.
for (;;) {
  const state = Atomics.load(ctrl, 0)
  if (state === REQUEST && gone) fail(gone)
  else if (state === REQUEST) {
    const length = Atomics.load(ctrl, 1)
    const head = Buffer.alloc(4)
    head.writeUInt32LE(length, 0)
    Atomics.store(ctrl, 0, SENT)
    child.stdin.write(head)
    child.stdin.write(Buffer.from(buf.subarray(0, length)))
    continue
  }
  if (state === CLOSE) {
    closing = true
    clearInterval(alive)
    if (child.exitCode !== null || child.signalCode !== null) process.exit(0)
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
    child.once('close', () => {
      clearTimeout(timer)
      process.exit(0)
    })
    break
  }
  const wait = Atomics.waitAsync(ctrl, 0, state)
  if (wait.async) await wait.value
}
