/**
 * Which candidate of the current session a product is: an open-addressing hash table of at least
 * twice the most candidates a session holds, stamped per session so it never needs clearing. It
 * stays in cache whatever the catalog's size, where a per-product array costs 8 B a product and, on
 * a large catalog, a cache miss per candidate.
 */
export class CandidateIndex {
  private readonly product: Int32Array
  private readonly index: Int32Array
  private readonly stamp: Int32Array
  private readonly mask: number
  private readonly shift: number
  /** The session's stamp; 0 marks an empty slot. */
  private current = 1

  constructor(capacity: number) {
    const bits = Math.max(4, Math.ceil(Math.log2(2 * capacity)))
    this.product = new Int32Array(1 << bits)
    this.index = new Int32Array(1 << bits)
    this.stamp = new Int32Array(1 << bits)
    this.mask = (1 << bits) - 1
    this.shift = 32 - bits
  }

  /** Starts a session: forgets every product added before. */
  clear(): void {
    if (++this.current === 0x7fffffff) {
      this.stamp.fill(0)
      this.current = 1
    }
  }

  /** Records product as candidate i of this session (each product at most once a session). */
  add(product: number, i: number): void {
    let h = Math.imul(product, 0x9e3779b1) >>> this.shift
    while (this.stamp[h] === this.current) h = (h + 1) & this.mask
    this.stamp[h] = this.current
    this.product[h] = product
    this.index[h] = i
  }

  /** The product's candidate index in this session, or -1. */
  indexOf(product: number): number {
    for (let h = Math.imul(product, 0x9e3779b1) >>> this.shift; this.stamp[h] === this.current; h = (h + 1) & this.mask)
      if (this.product[h] === product) return this.index[h]
    return -1
  }
}
