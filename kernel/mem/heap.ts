// The kernel heap as the AssemblyScript runtime sees it: the linear memory
// (every page of it is mapped, kernel/mem/paging.ts) and the TLSF
// allocator's free blocks inside it. "Used" is everything that is not on a
// free list: live objects, garbage the collector has not swept yet, the
// static data and the shadow stack.
import { Block, ROOT } from "rt/tlsf";
import { allocatableFrames, FRAME_SIZE } from "./frames";

/** Pages the kernel's linear memory may reach: the kernel target's "maximumMemory" in asconfig.json. */
export const HEAP_MAX_PAGES: u64 = 16384;

// The TLSF root's layout in AssemblyScript 0.28 (std/assembly/rt/tlsf.ts):
// a first-level bitmap, FL_BITS second-level bitmaps (u32), then the heads
// of FL_BITS * SL_SIZE free lists, 16-byte aligned.
const SL_SIZE: usize = 16;
const FL_BITS: usize = 31 - 8;
const HEADS_AT: usize = (sizeof<usize>() + (FL_BITS << 2) + 15) & ~15;
const SIZE_MASK: usize = ~(<usize>3);
const BLOCK_HEADER: usize = sizeof<usize>();

/** Bytes of kernel linear memory: what the heap has mapped. */
export function heapMappedBytes(): u64 {
  return <u64>memory.size() << 16;
}

// The free blocks' sizes (headers included): their sum, or the largest.
function walkFreeBlocks(largest: bool): u64 {
  const root = changetype<usize>(ROOT);
  if (root == 0) return 0;
  let result: u64 = 0;
  for (let list: usize = 0; list < FL_BITS * SL_SIZE; list++) {
    let block = load<Block | null>(root + HEADS_AT + list * sizeof<usize>());
    while (block !== null) {
      const size = <u64>((block.mmInfo & SIZE_MASK) + BLOCK_HEADER);
      result = largest ? max(result, size) : result + size;
      block = block.next;
    }
  }
  return result;
}

/** Bytes in the allocator's free blocks (headers included): free for the kernel without mapping more. */
export function heapFreeBytes(): u64 {
  return walkFreeBlocks(false);
}

export function heapUsedBytes(): u64 {
  return heapMappedBytes() - heapFreeBytes();
}

/**
 * Bytes the heap may still map. The booted kernel backs new heap pages
 * with frames (any but the DMA reserve); the hosted one does not use
 * frames for its heap at all, so the heap's own limit bounds the growth as well.
 */
function heapGrowableBytes(): u64 {
  const room = (HEAP_MAX_PAGES - <u64>memory.size()) << 16;
  return min(allocatableFrames() * FRAME_SIZE, room);
}

/** Bytes the kernel can still hand out: its free blocks and what it may still map. */
export function heapAvailableBytes(): u64 {
  return heapFreeBytes() + heapGrowableBytes();
}

/** The largest allocation the kernel can still make: free blocks do not join up, however many there are. */
export function heapLargestAllocation(): u64 {
  return max(walkFreeBlocks(true), heapGrowableBytes());
}
