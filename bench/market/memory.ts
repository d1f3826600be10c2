/**
 * A cell's memory: the thread's heap plus its ArrayBuffers (typed arrays live outside the heap, so V8's heap limit does
 * not bound them), less a sealed plugin's channel, which is the kit's and not the cell's. Over the cell's limit
 * (--cell-memory) the cell fails, naming the round.
 */
export class CellMemory {
  constructor(
    private readonly limitBytes: number | undefined,
    private readonly excludedBytes: number,
  ) {}

  /** The bytes held now; throws when they pass the limit. */
  check(round: number): number {
    const memory = process.memoryUsage()
    const used = memory.heapUsed + memory.arrayBuffers - this.excludedBytes
    const limit = this.limitBytes
    if (limit !== undefined && used > limit)
      throw Object.assign(
        new Error(
          `ran out of memory: the cell holds ${Math.round(used / 2 ** 20)} MB (heap and ArrayBuffers), over its ` +
            `limit of ${Math.round(limit / 2 ** 20)} MB (--cell-memory)`,
        ),
        { round },
      )
    return used
  }
}
