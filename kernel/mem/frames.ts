// The physical frame allocator: one bit per 4 KiB frame, 1 = in use. The
// bitmap itself lives in physical memory (placed in the first free region
// big enough), so the allocator works before the kernel heap can grow and
// is safe to call from inside memory.grow. It never hands out the kernel
// image, the boot info, the boot modules, the bitmap or the first MiB.
import { peek64, poke64 } from "../arch/hw";
import { MemoryRegion, MemoryType } from "../boot/multiboot2";

export const FRAME_SIZE: u64 = 4096;
// Only the first 4 GiB are identity-mapped by the boot code.
export const MAX_PHYSICAL: u64 = 4 << 30;
const LOW_MEMORY: u64 = 1 << 20;

/** A physical range the allocator must never hand out. */
export class Reservation {
  constructor(public start: u64, public end: u64, public what: string) {}
}

let bitmap: u64 = 0;
let frameCount: u64 = 0;
let freeCount: u64 = 0;
let reservations: Reservation[] = [];
let usableFrames: u64 = 0;
let nextHint: u64 = 0;
let ignoredAbove: u64 = 0;
let memoryMap: MemoryRegion[] = [];

export function totalFrames(): u64 {
  return usableFrames;
}
export function freeFrameCount(): u64 {
  return freeCount;
}
/** Bytes of available RAM above the identity-mapped range, left unused. */
export function ignoredBytes(): u64 {
  return ignoredAbove;
}

function alignUp(value: u64): u64 {
  return (value + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
}
function alignDown(value: u64): u64 {
  return value & ~(FRAME_SIZE - 1);
}

/**
 * Builds the bitmap from the memory map. Returns "" on success or a message
 * saying why no allocator could be built.
 */
export function initFrames(map: MemoryRegion[], reserved: Reservation[]): string {
  memoryMap = map;
  let top: u64 = 0;
  ignoredAbove = 0;
  for (let i = 0; i < map.length; i++) {
    const r = map[i];
    if (r.type != MemoryType.Available) continue;
    if (r.end > MAX_PHYSICAL) ignoredAbove += r.end - max(r.base, MAX_PHYSICAL);
    top = max(top, min(r.end, MAX_PHYSICAL));
  }
  if (top <= LOW_MEMORY) return "the memory map lists no usable memory above 1 MiB";
  frameCount = top / FRAME_SIZE;
  const bitmapBytes = alignUp(((frameCount + 63) / 64) * 8);
  bitmap = placeBitmap(map, reserved, bitmapBytes);
  if (bitmap == 0) return "no free region can hold the frame bitmap (" + bitmapBytes.toString() + " bytes)";

  for (let w: u64 = 0; w < bitmapBytes; w += 8) poke64(bitmap + w, ~(<u64>0));
  freeCount = 0;
  for (let i = 0; i < map.length; i++) {
    const r = map[i];
    if (r.type == MemoryType.Available) releaseRange(alignUp(max(r.base, LOW_MEMORY)), alignDown(min(r.end, top)));
  }
  for (let i = 0; i < reserved.length; i++) claimRange(alignDown(reserved[i].start), alignUp(reserved[i].end));
  claimRange(bitmap, bitmap + bitmapBytes);
  reservations = reserved.slice(0);
  reservations.push(new Reservation(bitmap, bitmap + bitmapBytes, "frame bitmap"));
  usableFrames = freeCount;
  nextHint = 0;
  return "";
}

// First 4 KiB-aligned spot in available RAM above 1 MiB that overlaps no
// reservation.
function placeBitmap(map: MemoryRegion[], reserved: Reservation[], bytes: u64): u64 {
  for (let i = 0; i < map.length; i++) {
    const r = map[i];
    if (r.type != MemoryType.Available) continue;
    let candidate = alignUp(max(r.base, LOW_MEMORY));
    const end = min(r.end, MAX_PHYSICAL);
    while (candidate + bytes <= end) {
      const clash = firstClash(reserved, candidate, candidate + bytes);
      if (clash < 0) return candidate;
      candidate = alignUp(reserved[clash].end);
    }
  }
  return 0;
}

function firstClash(reserved: Reservation[], start: u64, end: u64): i32 {
  for (let i = 0; i < reserved.length; i++) {
    if (reserved[i].start < end && start < reserved[i].end) return i;
  }
  return -1;
}

function isUsed(frame: u64): bool {
  return ((peek64(bitmap + (frame >> 6) * 8) >> (frame & 63)) & 1) != 0;
}

function setUsed(frame: u64, used: bool): void {
  const word = bitmap + (frame >> 6) * 8;
  const bit = <u64>1 << (frame & 63);
  const value = peek64(word);
  poke64(word, used ? value | bit : value & ~bit);
}

function releaseRange(start: u64, end: u64): void {
  for (let f = start / FRAME_SIZE; f < end / FRAME_SIZE; f++) {
    if (isUsed(f)) {
      setUsed(f, false);
      freeCount++;
    }
  }
}

function claimRange(start: u64, end: u64): void {
  const last = min(end / FRAME_SIZE, frameCount);
  for (let f = start / FRAME_SIZE; f < last; f++) {
    if (!isUsed(f)) {
      setUsed(f, true);
      freeCount--;
    }
  }
}

/** One free frame's physical address, or 0 when memory is exhausted. */
export function allocFrame(): u64 {
  return allocFrames(1, 1);
}

/**
 * `count` physically contiguous frames starting at a multiple of `align`
 * frames, or 0 when no such run is free.
 */
export function allocFrames(count: u64, align: u64): u64 {
  if (count == 0 || align == 0 || count > freeCount) return 0;
  const start = findRun(nextHint, frameCount, count, align);
  const found = start != 0 ? start : findRun(0, nextHint, count, align);
  if (found == 0) return 0;
  for (let f = found; f < found + count; f++) setUsed(f, true);
  freeCount -= count;
  nextHint = found + count;
  return found * FRAME_SIZE;
}

// Frame 0 is never free (low memory), so 0 can mean "not found".
function findRun(from: u64, to: u64, count: u64, align: u64): u64 {
  let f = ((from + align - 1) / align) * align;
  while (f + count <= to) {
    const word = peek64(bitmap + (f >> 6) * 8);
    if ((f & 63) == 0 && word == ~(<u64>0)) {
      f = ((f + 64 + align - 1) / align) * align;
      continue;
    }
    let run: u64 = 0;
    while (run < count && !isUsed(f + run)) run++;
    if (run == count) return f;
    f = ((f + run + 1 + align - 1) / align) * align;
  }
  return 0;
}

/**
 * Returns frames to the allocator; false (and nothing changes) if any of
 * them is not allocated or belongs to a reservation.
 */
export function freeFrames(address: u64, count: u64): bool {
  if (address & (FRAME_SIZE - 1) || count == 0) return false;
  const first = address / FRAME_SIZE;
  if (first + count > frameCount || first * FRAME_SIZE < LOW_MEMORY) return false;
  if (firstClash(reservations, address, address + count * FRAME_SIZE) >= 0) return false;
  for (let f = first; f < first + count; f++) if (!isUsed(f)) return false;
  for (let f = first; f < first + count; f++) setUsed(f, false);
  freeCount += count;
  return true;
}

/** Whether [start, end) overlaps RAM the memory map lists as available (the allocator's, or the kernel's). */
export function overlapsRam(start: u64, end: u64): bool {
  for (let i = 0; i < memoryMap.length; i++) {
    const r = memoryMap[i];
    if (r.type == MemoryType.Available && r.base < end && start < r.end) return true;
  }
  return false;
}
