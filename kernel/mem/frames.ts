// The physical frame allocator: one bit per 4 KiB frame, 1 = in use. The
// bitmap itself lives in physical memory (placed in the first free region
// below 4 GiB big enough), so the allocator works before the kernel heap
// can grow and is safe to call from inside memory.grow. It never hands out
// the kernel image, the boot info, the boot modules, the bitmap or the
// first MiB.
//
// RAM comes in two zones. Frames below 4 GiB are what 32-bit DMA reaches
// and what the boot code identity-maps; frames above are handed out only
// after enableHighMemory (kernel/mem/high-memory.ts maps them first).
// Ordinary allocations take high frames first and leave a reserve of low
// ones; allocLowFrames takes only low frames (DMA buffers, the tables that
// map high memory).
import { peek64, poke64 } from "../arch/hw";
import { MemoryRegion, MemoryType } from "../boot/multiboot2";

export const FRAME_SIZE: u64 = 4096;
/** End of the boot code's identity map and of what a device with 32-bit DMA addresses. */
export const LOW_END: u64 = 4 << 30;
/** End of what the first PML4 entry can identity-map; the kernel's linear window lies above. */
export const IDENTITY_END: u64 = 512 << 30;
/** Low frames ordinary allocations leave for DMA once high memory is in use (16 MiB). */
export const DMA_RESERVE_FRAMES: u64 = 4096;
const LOW_MEMORY: u64 = 1 << 20;

/** A physical range the allocator must never hand out. */
export class Reservation {
  constructor(public start: u64, public end: u64, public what: string) {}
}

/** Frames [start, end) of one zone: how many are free and where the next search starts. */
class Zone {
  start: u64 = 0;
  end: u64 = 0;
  free: u64 = 0;
  usable: u64 = 0;
  hint: u64 = 0;

  reset(start: u64, end: u64): void {
    this.start = start;
    this.end = end;
    this.free = 0;
    this.usable = 0;
    this.hint = start;
  }
}

let bitmap: u64 = 0;
let frameCount: u64 = 0;
// Frames below this are managed; it grows to frameCount when high memory is enabled.
let managedEnd: u64 = 0;
let lowReserve: u64 = 0;
let reservations: Reservation[] = [];
let memoryMap: MemoryRegion[] = [];
const low = new Zone();
const high = new Zone();

export function totalFrames(): u64 {
  return low.usable + high.usable;
}
export function freeFrameCount(): u64 {
  return low.free + high.free;
}
/** Frames above 4 GiB in use by the allocator (0 until high memory is enabled). */
export function highTotalFrames(): u64 {
  return high.usable;
}
export function highFreeFrames(): u64 {
  return high.free;
}
/** Free frames an ordinary allocation may take: all but the DMA reserve. */
export function allocatableFrames(): u64 {
  return high.free + (low.free > lowReserve ? low.free - lowReserve : 0);
}

/** End of available RAM above 4 GiB (capped at IDENTITY_END), or 0 when there is none. */
export function highRamEnd(): u64 {
  return frameCount * FRAME_SIZE > LOW_END ? frameCount * FRAME_SIZE : 0;
}

/** Bytes of available RAM the allocator does not manage: above IDENTITY_END, or above 4 GiB while high memory is off. */
export function ignoredBytes(): u64 {
  const limit = managedEnd * FRAME_SIZE;
  let ignored: u64 = 0;
  for (let i = 0; i < memoryMap.length; i++) {
    const r = memoryMap[i];
    if (r.type == MemoryType.Available && r.end > limit) ignored += r.end - max(r.base, limit);
  }
  return ignored;
}

function alignUp(value: u64): u64 {
  return (value + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
}
function alignDown(value: u64): u64 {
  return value & ~(FRAME_SIZE - 1);
}

/**
 * Builds the bitmap from the memory map, with the frames below 4 GiB free.
 * Returns "" on success or a message saying why no allocator could be built.
 */
export function initFrames(map: MemoryRegion[], reserved: Reservation[]): string {
  memoryMap = map;
  let top: u64 = 0;
  for (let i = 0; i < map.length; i++) {
    const r = map[i];
    if (r.type == MemoryType.Available) top = max(top, min(r.end, IDENTITY_END));
  }
  if (min(top, LOW_END) <= LOW_MEMORY) return "the memory map lists no usable memory above 1 MiB (and below 4 GiB, where the bitmap must go)";
  frameCount = alignDown(top) / FRAME_SIZE;
  const bitmapBytes = alignUp(((frameCount + 63) / 64) * 8);
  bitmap = placeBitmap(map, reserved, bitmapBytes);
  if (bitmap == 0) return "no free region below 4 GiB can hold the frame bitmap (" + bitmapBytes.toString() + " bytes)";

  for (let w: u64 = 0; w < bitmapBytes; w += 8) poke64(bitmap + w, ~(<u64>0));
  reservations = reserved.slice(0);
  reservations.push(new Reservation(bitmap, bitmap + bitmapBytes, "frame bitmap"));
  const lowEnd = min(frameCount, LOW_END / FRAME_SIZE);
  low.reset(0, lowEnd);
  high.reset(lowEnd, frameCount);
  lowReserve = 0;
  managedEnd = lowEnd;
  releaseAvailable(0, LOW_END);
  low.usable = low.free;
  return "";
}

/**
 * Frees the available RAM above 4 GiB; call once it is identity-mapped.
 * From then on ordinary allocations keep DMA_RESERVE_FRAMES low frames.
 */
export function enableHighMemory(): void {
  if (managedEnd == frameCount) return;
  managedEnd = frameCount;
  releaseAvailable(LOW_END, IDENTITY_END);
  high.usable = high.free;
  lowReserve = min(DMA_RESERVE_FRAMES, low.free);
}

// Frees the available RAM in [from, to) above 1 MiB, then claims the reservations again.
function releaseAvailable(from: u64, to: u64): void {
  for (let i = 0; i < memoryMap.length; i++) {
    const r = memoryMap[i];
    if (r.type != MemoryType.Available) continue;
    const start = alignUp(max(max(r.base, LOW_MEMORY), from));
    const end = alignDown(min(min(r.end, to), managedEnd * FRAME_SIZE));
    if (start < end) releaseRange(start, end);
  }
  for (let i = 0; i < reservations.length; i++) claimRange(alignDown(reservations[i].start), alignUp(reservations[i].end));
}

// First 4 KiB-aligned spot in available RAM between 1 MiB and 4 GiB that
// overlaps no reservation: the bitmap is written before high memory is mapped.
function placeBitmap(map: MemoryRegion[], reserved: Reservation[], bytes: u64): u64 {
  for (let i = 0; i < map.length; i++) {
    const r = map[i];
    if (r.type != MemoryType.Available) continue;
    let candidate = alignUp(max(r.base, LOW_MEMORY));
    const end = min(r.end, LOW_END);
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

function zoneOf(frame: u64): Zone {
  return frame < low.end ? low : high;
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

// Whole bitmap words at a time where it can: gigabytes of RAM are millions of frames.
function releaseRange(start: u64, end: u64): void {
  const last = end / FRAME_SIZE;
  let f = start / FRAME_SIZE;
  while (f < last) {
    if ((f & 63) == 0 && f + 64 <= last) {
      const word = bitmap + (f >> 6) * 8;
      zoneOf(f).free += popcnt(peek64(word));
      poke64(word, 0);
      f += 64;
      continue;
    }
    if (isUsed(f)) {
      setUsed(f, false);
      zoneOf(f).free++;
    }
    f++;
  }
}

function claimRange(start: u64, end: u64): void {
  const last = min(end / FRAME_SIZE, managedEnd);
  for (let f = start / FRAME_SIZE; f < last; f++) {
    if (!isUsed(f)) {
      setUsed(f, true);
      zoneOf(f).free--;
    }
  }
}

/** One free frame's physical address, or 0 when memory is exhausted. */
export function allocFrame(): u64 {
  return allocFrames(1, 1);
}

/**
 * `count` physically contiguous frames starting at a multiple of `align`
 * frames, or 0 when no such run is free. Frames above 4 GiB come first;
 * low frames only while more than the DMA reserve stays free.
 */
export function allocFrames(count: u64, align: u64): u64 {
  if (count == 0 || align == 0) return 0;
  const found = takeRun(high, count, align);
  if (found != 0 || low.free < count + lowReserve) return found;
  return takeRun(low, count, align);
}

/** Like allocFrames, but only below 4 GiB: for DMA buffers and for tables reached through the boot identity map. */
export function allocLowFrames(count: u64, align: u64): u64 {
  if (count == 0 || align == 0) return 0;
  return takeRun(low, count, align);
}

// A run in `zone` from its hint on, then one starting before the hint.
function takeRun(zone: Zone, count: u64, align: u64): u64 {
  if (count > zone.free) return 0;
  const after = findRun(zone.hint, zone.end, count, align);
  const found = after != 0 ? after : findRun(zone.start, min(zone.hint + count - 1, zone.end), count, align);
  if (found == 0) return 0;
  for (let f = found; f < found + count; f++) setUsed(f, true);
  zone.free -= count;
  zone.hint = found + count;
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
  if (first + count > managedEnd || first * FRAME_SIZE < LOW_MEMORY) return false;
  if (firstClash(reservations, address, address + count * FRAME_SIZE) >= 0) return false;
  for (let f = first; f < first + count; f++) if (!isUsed(f)) return false;
  for (let f = first; f < first + count; f++) {
    setUsed(f, false);
    zoneOf(f).free++;
  }
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
