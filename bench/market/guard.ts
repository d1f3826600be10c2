/**
 * The globals the engine's arithmetic and bookkeeping rely on. A plugin runs in the engine's own
 * realm, so it could replace Math.log2 or Array.prototype.fill and bend the engine's numbers for its
 * own run (each cell runs in its own worker, so nothing leaks further): the engine snapshots their
 * identities before create() and compares after create() and after every round.
 */
// The checker's own tools, taken before any plugin loads, so a plugin cannot blind it.
const { is, getOwnPropertyDescriptor } = Object
const ownKeys = Reflect.ownKeys
const typedArrayPrototype = Object.getPrototypeOf(Int32Array.prototype) as object
const HOLDERS: [name: string, holder: object][] = [
  ['globalThis', globalThis],
  ['Math', Math],
  ['Object', Object],
  ['Number', Number],
  ['Array', Array],
  ['JSON', JSON],
  ['Reflect', Reflect],
  ['Object.prototype', Object.prototype],
  ['Function.prototype', Function.prototype],
  ['Array.prototype', Array.prototype],
  ['TypedArray.prototype', typedArrayPrototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['WeakMap.prototype', WeakMap.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['performance', Object.getPrototypeOf(performance) as object],
]
/**
 * Bindings on globalThis worth watching: the built-ins the engine names (the rest of globalThis is the plugin's
 * business).
 */
const GLOBAL_NAMES = new Set([
  'Math',
  'Object',
  'Number',
  'Array',
  'JSON',
  'Reflect',
  'Map',
  'Set',
  'WeakMap',
  'Float64Array',
  'Float32Array',
  'Int32Array',
  'Uint8Array',
  'performance',
  'process',
  'isFinite',
  'isNaN',
  'Infinity',
  'NaN',
  'Error',
])

export type GlobalsSnapshot = { name: string; holder: object; key: string | symbol; value: unknown }[]

export function snapshotGlobals(): GlobalsSnapshot {
  const entries: GlobalsSnapshot = []
  for (const [name, holder] of HOLDERS) {
    for (const key of ownKeys(holder)) {
      if (holder === globalThis && !GLOBAL_NAMES.has(String(key))) continue
      entries.push({
        name: `${name === 'globalThis' ? '' : `${name}.`}${String(key)}`,
        holder,
        key,
        value: current(holder, key),
      })
    }
  }
  return entries
}

/** The first global that no longer is what the snapshot saw, by name; null when all are intact. */
export function changedGlobal(snapshot: GlobalsSnapshot): string | null {
  for (const { name, holder, key, value } of snapshot) {
    if (!is(current(holder, key), value)) return name
  }
  return null
}

/** A property's value, or its getter for an accessor (read without calling it). */
function current(holder: object, key: string | symbol): unknown {
  const d = getOwnPropertyDescriptor(holder, key)
  return d === undefined ? undefined : 'value' in d ? d.value : d.get
}

/** Every own property of the watched holders, descriptors whole: what restoreIntrinsics puts back. */
export type IntrinsicsState = {
  name: string
  holder: object
  keys: Set<string | symbol>
  descriptors: Map<string | symbol, PropertyDescriptor>
}[]

const { defineProperty, getOwnPropertyDescriptors } = Object
const deleteProperty = Reflect.deleteProperty
// MessagePort.prototype: a thread's messages to the kit (a cell's rows) go through its postMessage. Each typed array's
// own prototype: a method defined there shadows TypedArray.prototype's for that type.
const EXTRA_HOLDERS: [string, object][] = [
  ['Promise.prototype', Promise.prototype],
  ['Error.prototype', Error.prototype],
  ['MessagePort.prototype', MessagePort.prototype],
  ...[Float64Array, Float32Array, Int32Array, Uint8Array].map(
    (t) => [`${t.name}.prototype`, t.prototype] as [string, object],
  ),
]

export function captureIntrinsics(): IntrinsicsState {
  return [...HOLDERS, ...EXTRA_HOLDERS].map(([name, holder]) => {
    const descriptors = new Map<string | symbol, PropertyDescriptor>()
    const all = getOwnPropertyDescriptors(holder) as Record<string | symbol, PropertyDescriptor>
    for (const key of ownKeys(all)) descriptors.set(key, all[key as never])
    return { name, holder, keys: new Set(ownKeys(holder)), descriptors }
  })
}

/**
 * Undoes what code run since the capture did to the watched intrinsics: properties added are deleted, replaced
 * ones redefined as they were (a plugin's import-time `Object.prototype.then` would turn every awaited object into
 * a thenable). Returns the names it had to restore; throws when one cannot be (made non-configurable).
 */
export function restoreIntrinsics(state: IntrinsicsState): string[] {
  const restored: string[] = []
  for (const { name, holder, keys, descriptors } of state) {
    const named = (key: string | symbol) => (holder === globalThis ? String(key) : `${name}.${String(key)}`)
    for (const key of ownKeys(holder)) {
      if (keys.has(key)) continue
      if (holder === globalThis && !GLOBAL_NAMES.has(String(key))) continue
      if (!deleteProperty(holder, key)) throw new Error(`cannot undo the new property ${named(key)} on a built-in`)
      restored.push(named(key))
    }
    for (const [key, d] of descriptors) {
      const now = getOwnPropertyDescriptor(holder, key)
      const same = now && ('value' in d ? is(now.value, d.value) : is(now.get, d.get) && is(now.set, d.set))
      if (same) continue
      defineProperty(holder, key, d)
      restored.push(named(key))
    }
  }
  return restored
}
