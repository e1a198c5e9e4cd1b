// Per-instance resource limits. The kernel picks them per process; going past
// one is a clear error (load/link failure, failed grow, or exhaustion trap).

/** Pages in the largest block the AssemblyScript heap can hand out (just under 1 GiB). */
export const MAX_BLOCK_PAGES: u32 = 16383;

/** Whether the embedder can spare the memory for a memory to grow from `oldBytes` to `newBytes`. */
export type GrowCheck = (oldBytes: u64, newBytes: u64) => bool;

function alwaysAffordable(oldBytes: u64, newBytes: u64): bool {
  return true;
}

export class Limits {
  /** Largest module accepted, in bytes. */
  maxModuleBytes: u32 = 64 << 20;
  /**
   * Most pages a memory may have, whatever the module declares. A memory is
   * one heap block, so this stays below the allocator's largest block
   * (MAX_BLOCK_PAGES).
   */
  maxMemoryPages: u32 = 8192;
  /** Most elements a table may have. */
  maxTableSize: u32 = 1 << 20;
  /** Size of a thread's value stack, in 8-byte slots. */
  valueStackSlots: u32 = 1 << 20;
  /** Deepest nesting of calls. */
  maxCallDepth: u32 = 20000;
  /** Pages of all the memories of a store together. */
  maxTotalMemoryPages: u64 = 16384;
  /** Elements of all the tables of a store together. */
  maxTotalTableElements: u64 = 1 << 22;
  /**
   * Asked before a memory.grow takes memory: the engine cannot see what
   * else its embedder needs (the kernel keeps a reserve for itself), so a
   * grow it refuses returns -1.
   */
  canGrowMemory: GrowCheck = alwaysAffordable;
}

/**
 * What the memories and tables of one store use of its totals: they draw on
 * it when created and when they grow, and give back when disposed, so a
 * process cannot exhaust the kernel's memory however many it makes.
 */
export class Budget {
  memoryPages: u64 = 0;
  tableElements: u64 = 0;

  constructor(public limits: Limits) {}

  /** The most pages one memory may reach. */
  get memoryCeiling(): u32 {
    return min(this.limits.maxMemoryPages, MAX_BLOCK_PAGES);
  }

  takePages(n: u32): bool {
    if (this.memoryPages + n > this.limits.maxTotalMemoryPages) return false;
    this.memoryPages += n;
    return true;
  }

  takeElements(n: u32): bool {
    if (this.tableElements + n > this.limits.maxTotalTableElements) return false;
    this.tableElements += n;
    return true;
  }
}
