/** The k positions of a session, filled by a plugin: product ids and, for sponsored slots, the CPC. */
export class Slots {
  readonly products: Int32Array
  readonly cpc: Float64Array
  count = 0

  constructor(readonly capacity: number) {
    this.products = new Int32Array(capacity)
    this.cpc = new Float64Array(capacity)
    // What the engine checks is what it books: a plugin may fill the slots, not swap their buffers or turn count
    // into a getter that reads one number to the check and another to the ledger.
    for (const key of ['products', 'cpc', 'capacity'])
      Object.defineProperty(this, key, { writable: false, configurable: false })
    Object.defineProperty(this, 'count', { configurable: false })
  }

  get full(): boolean {
    return this.count >= this.capacity
  }

  /** Appends a product; cpc > 0 marks a sponsored slot charged per click. Returns false when full. */
  push(product: number, cpc = 0): boolean {
    if (this.count >= this.capacity) return false
    this.products[this.count] = product
    this.cpc[this.count] = cpc
    this.count++
    return true
  }

  has(product: number): boolean {
    for (let i = 0; i < this.count; i++) if (this.products[i] === product) return true
    return false
  }

  clear(): void {
    this.count = 0
  }
}
