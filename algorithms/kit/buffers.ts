/** Returns buf when it holds n entries, else a bigger one: per-session scratch without per-session allocation. */
export function growFloat64(buf: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2))
}

export function growInt32(buf: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Int32Array(Math.max(n, buf.length * 2))
}
