// Per-instance resource limits. The kernel picks them per process; going past
// one is a clear error (load/link failure, failed grow, or exhaustion trap).

/** Pages in the largest block the AssemblyScript heap can hand out (just under 1 GiB). */
export const MAX_BLOCK_PAGES: u32 = 16383;

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
}
