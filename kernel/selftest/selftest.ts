// The in-kernel test set, run on the real machine with "test" on the command
// line: things only the machine can show (real RAM, real page tables, a real
// TSC). Each test returns "" or what went wrong.
import { linearBase, peek64, poke64, rdtsc } from "../arch/hw";
import * as log from "../console/log";
import { allocFrames, allocLowFrames, FRAME_SIZE, freeFrameCount, freeFrames, highTotalFrames, LOW_END } from "../mem/frames";
import { linearPagesBacked, translate } from "../mem/paging";
import { tscTicksPerMs } from "../time/tsc";

function framesRoundTrip(): string {
  const before = freeFrameCount();
  const frames: u64[] = [];
  for (let i = 0; i < 64; i++) {
    const f = allocFrames(1, 1);
    if (f == 0) return "allocation " + i.toString() + " failed";
    if (frames.includes(f)) return "frame 0x" + f.toString(16) + " handed out twice";
    poke64(f, f ^ 0x5a5a5a5a);
    frames.push(f);
  }
  for (let i = 0; i < frames.length; i++) {
    if (peek64(frames[i]) != (frames[i] ^ 0x5a5a5a5a)) return "frame 0x" + frames[i].toString(16) + " lost its contents";
    if (!freeFrames(frames[i], 1)) return "free of 0x" + frames[i].toString(16) + " refused";
  }
  if (freeFrames(frames[0], 1)) return "double free accepted";
  return freeFrameCount() == before ? "" : "free count " + freeFrameCount().toString() + " != " + before.toString();
}

function contiguousAligned(): string {
  const run = allocFrames(32, 16);
  if (run == 0) return "no 32-frame run";
  if ((run / FRAME_SIZE) % 16 != 0) return "run at 0x" + run.toString(16) + " not 64 KiB aligned";
  return freeFrames(run, 32) ? "" : "free refused";
}

// Allocating well past the 2 MiB boot arena makes memory.grow map frames
// (on the machine; the hosted kernel's runtime grows memory itself).
function heapGrowth(): string {
  const backedBefore = linearPagesBacked();
  const size = 8 << 20;
  const buffer = new ArrayBuffer(size);
  const base = changetype<usize>(buffer);
  for (let offset = 0; offset < size; offset += 4096) store<u32>(base + offset, offset);
  for (let offset = 0; offset < size; offset += 4096) {
    if (load<u32>(base + offset) != <u32>offset) return "readback differs at +" + offset.toString();
  }
  if (linearPagesBacked() == backedBefore) return "";
  const last = linearBase() + base + size - 1;
  return translate(last) >= 0 ? "" : "end of the buffer is not mapped";
}

// DMA frames come from below 4 GiB. With RAM above 4 GiB, ordinary frames
// come from there, hold what is written through the kernel's own identity
// map, and back the heap pages mapped since boot.
function highMemory(): string {
  const dma = allocLowFrames(16, 1);
  if (dma == 0 || dma + 16 * FRAME_SIZE > LOW_END) return "no DMA frames below 4 GiB (got 0x" + dma.toString(16) + ")";
  freeFrames(dma, 16);
  if (highTotalFrames() == 0) return "";
  const frame = allocFrames(1, 1);
  if (frame < LOW_END) return "ordinary frame 0x" + frame.toString(16) + " is below 4 GiB";
  poke64(frame + FRAME_SIZE - 8, frame ^ 0xa5a5a5a5);
  const kept = peek64(frame + FRAME_SIZE - 8) == (frame ^ 0xa5a5a5a5);
  freeFrames(frame, 1);
  if (!kept) return "frame 0x" + frame.toString(16) + " lost its contents";
  const heapEnd = translate(linearBase() + (<u64>memory.size() << 16) - 1);
  if (linearPagesBacked() > 0 && heapEnd < <i64>LOW_END) return "the heap's last page is at 0x" + heapEnd.toString(16);
  log.info("selftest: RAM above 4 GiB holds frame 0x" + frame.toString(16) + " and the heap's last page 0x" + heapEnd.toString(16) + "; DMA frames at 0x" + dma.toString(16));
  return "";
}

function tscRuns(): string {
  if (tscTicksPerMs() == 0) return "TSC not calibrated";
  const a = rdtsc();
  const b = rdtsc();
  return b > a ? "" : "TSC did not advance";
}

const NAMES: StaticArray<string> = ["frames round trip", "contiguous aligned frames", "heap growth maps frames", "RAM above 4 GiB and DMA below", "TSC runs"];

function run(index: i32): string {
  if (index == 0) return framesRoundTrip();
  if (index == 1) return contiguousAligned();
  if (index == 2) return heapGrowth();
  if (index == 3) return highMemory();
  return tscRuns();
}

/** Runs every test, logs each result; returns the number that failed. */
export function runSelfTests(): i32 {
  let failed = 0;
  for (let i = 0; i < NAMES.length; i++) {
    const problem = run(i);
    if (problem.length == 0) log.info("selftest " + NAMES[i] + ": ok");
    else {
      log.error("selftest " + NAMES[i] + ": FAILED: " + problem);
      failed++;
    }
  }
  log.info("selftest: " + (NAMES.length - failed).toString() + " passed, " + failed.toString() + " failed");
  return failed;
}
