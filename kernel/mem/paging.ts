// Four-level x86_64 page tables: mapping fresh frames behind the kernel's
// linear memory as it grows, and extending the identity map over RAM above
// 4 GiB. Table frames come from the frame allocator and are reached through
// the identity map.
import { invalidatePage, peek64, physFill, poke64, readCr } from "../arch/hw";
import { allocFrame, allocLowFrames, FRAME_SIZE, freeFrames } from "./frames";

const PRESENT: u64 = 1;
const WRITABLE: u64 = 2;
const LARGE: u64 = 0x80;
const ADDRESS_MASK: u64 = 0x000f_ffff_ffff_f000;
// Present, writable, user, write-through, cache-disable: the same bits in a
// 2 MiB page's entry and in the 4 KiB entries that replace it.
const SPLIT_FLAGS: u64 = 0x1f;
const LARGE_PAGE: u64 = 2 << 20;

function tableRoot(): u64 {
  return readCr(3) & ADDRESS_MASK;
}

function zeroedFrame(): u64 {
  const frame = allocFrame();
  if (frame != 0) physFill(frame, 0, FRAME_SIZE);
  return frame;
}

// Address of the page-table entry for `virt`, creating the tables on the
// way; 0 if a frame for a table could not be had or a large page is in the way.
function entryFor(virt: u64): u64 {
  let table = tableRoot();
  for (let level = 3; level > 0; level--) {
    const entry = table + ((virt >> (12 + 9 * <u64>level)) & 511) * 8;
    let value = peek64(entry);
    if (value & LARGE) return 0;
    if (!(value & PRESENT)) {
      const frame = zeroedFrame();
      if (frame == 0) return 0;
      value = frame | PRESENT | WRITABLE;
      poke64(entry, value);
    }
    table = value & ADDRESS_MASK;
  }
  return table + ((virt >> 12) & 511) * 8;
}

// The table behind entry `index` of `table`, made from a zeroed frame below
// 4 GiB if there is none (the boot identity map reaches it at once); 0
// without a frame, or when a large page is in the way.
function lowTable(table: u64, index: u64): u64 {
  const entry = table + index * 8;
  const value = peek64(entry);
  if (value & PRESENT) return value & LARGE ? 0 : value & ADDRESS_MASK;
  const frame = allocLowFrames(1, 1);
  if (frame == 0) return 0;
  physFill(frame, 0, FRAME_SIZE);
  poke64(entry, frame | PRESENT | WRITABLE);
  return frame;
}

/**
 * Identity-maps [start, end) with 2 MiB pages; both are 2 MiB-aligned and
 * below 512 GiB (the first PML4 entry's reach). False if a table frame
 * could not be had; what was mapped stays mapped, unused.
 */
export function identityMapLarge(start: u64, end: u64): bool {
  const pdpt = lowTable(tableRoot(), 0);
  for (let page = start; page < end; page += LARGE_PAGE) {
    const directory = pdpt == 0 ? 0 : lowTable(pdpt, page >> 30);
    if (directory == 0) return false;
    poke64(directory + ((page >> 21) & 511) * 8, page | PRESENT | WRITABLE | LARGE);
  }
  return true;
}

/** Maps one 4 KiB page; false if it was already mapped or tables ran out. */
export function mapPage(virt: u64, phys: u64): bool {
  const entry = entryFor(virt);
  if (entry == 0 || peek64(entry) & PRESENT) return false;
  poke64(entry, phys | PRESENT | WRITABLE);
  invalidatePage(virt);
  return true;
}

/** Unmaps one page and returns its frame, or 0 if it was not mapped. */
export function unmapPage(virt: u64): u64 {
  const entry = entryFor(virt);
  if (entry == 0) return 0;
  const value = peek64(entry);
  if (!(value & PRESENT)) return 0;
  poke64(entry, 0);
  invalidatePage(virt);
  return value & ADDRESS_MASK;
}

/** The physical address behind `virt`, or -1 when nothing is mapped there. */
export function translate(virt: u64): i64 {
  let table = tableRoot();
  for (let level = 3; level >= 0; level--) {
    const value = peek64(table + ((virt >> (12 + 9 * <u64>level)) & 511) * 8);
    if (!(value & PRESENT)) return -1;
    const pageBits: u64 = 12 + 9 * <u64>level;
    if (level == 0 || value & LARGE) return <i64>((value & ADDRESS_MASK & ~((<u64>1 << pageBits) - 1)) | (virt & ((<u64>1 << pageBits) - 1)));
    table = value & ADDRESS_MASK;
  }
  return -1;
}

// Replaces the 2 MiB page in `entry` by a table of 512 small pages mapping
// the same memory with the same flags; returns the new entry, 0 without a frame.
function splitLargePage(entry: u64, value: u64, virt: u64): u64 {
  const table = allocFrame();
  if (table == 0) return 0;
  const base = value & ADDRESS_MASK & ~(LARGE_PAGE - 1);
  for (let i: u64 = 0; i < 512; i++) poke64(table + i * 8, (base + i * FRAME_SIZE) | (value & SPLIT_FLAGS));
  const split = table | PRESENT | WRITABLE;
  poke64(entry, split);
  invalidatePage(virt);
  return split;
}

/**
 * Makes the 4 KiB page at `virt` not present, splitting a 2 MiB page
 * around it first (the boot code maps the first 4 GiB with those); false
 * if a frame for the new table could not be had or a 1 GiB page is in the way.
 */
export function unmapSmallPage(virt: u64): bool {
  let table = tableRoot();
  for (let level = 3; level > 0; level--) {
    const entry = table + ((virt >> (12 + 9 * <u64>level)) & 511) * 8;
    let value = peek64(entry);
    if (!(value & PRESENT)) return true;
    if (value & LARGE) {
      if (level != 1) return false;
      value = splitLargePage(entry, value, virt);
      if (value == 0) return false;
    }
    table = value & ADDRESS_MASK;
  }
  poke64(table + ((virt >> 12) & 511) * 8, 0);
  invalidatePage(virt);
  return true;
}

let backedPages: u64 = 0;

/** Pages mapped behind the kernel's linear memory so far (0 under a host runtime that grows it itself). */
export function linearPagesBacked(): u64 {
  return backedPages;
}

/**
 * Backs [start, end) of virtual memory with zeroed frames. Called by the
 * C runtime from inside memory.grow, so it must not allocate on the kernel
 * heap. On failure every page mapped by this call is released again.
 */
export function backRange(start: u64, end: u64): bool {
  for (let virt = start; virt < end; virt += FRAME_SIZE) {
    const frame = zeroedFrame();
    if (frame == 0 || !mapPage(virt, frame)) {
      if (frame != 0) freeFrames(frame, 1);
      releaseRange(start, virt);
      return false;
    }
  }
  backedPages += (end - start) / FRAME_SIZE;
  return true;
}

function releaseRange(start: u64, end: u64): void {
  for (let virt = start; virt < end; virt += FRAME_SIZE) {
    const frame = unmapPage(virt);
    if (frame != 0) freeFrames(frame, 1);
  }
}
