// The "hardware" interface: port I/O, physical memory that is not RAM, and
// DMA buffers, for driver modules. A driver claims each range first; one
// process at a time holds a range, and its claims and buffers are given
// back when it ends.
import * as hardware from "../../interfaces/as/generated/hardware";
import { inb, inl, inw, outb, outl, outw, peek16, peek32, peek64, peek8, physFill, physMove, physRead, physWrite, poke16, poke32, poke64, poke8 } from "../arch/hw";
import { setIsaIrqMasked } from "../arch/interrupts";
import { chargeKernelMemory, creditKernelMemory } from "../ipc/account";
import { Message } from "../ipc/message";
import { kernelAnswer, kernelRefuse, refuseMalformed } from "../ipc/router";
import { HARDWARE_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { subscribe, subscriptionFor, unsubscribeProcess } from "./irqs";
import { allocLowFrames, FRAME_SIZE, freeFrames, LOW_END, overlapsRam } from "../mem/frames";
import { Process } from "../ipc/process";

const PORTS: u64 = 0x10000;
const MAX_TRANSFER: u32 = 64 << 10;
const MAX_DMA_FRAMES: u64 = 1024;
/** All the DMA buffers of one process together, so that no process takes every frame. */
const MAX_DMA_FRAMES_PER_PROCESS: u64 = 1024;

class Claim {
  constructor(public pid: u64, public start: u64, public end: u64, public dma: bool) {}
}

const ISA_IRQS: u32 = 16;
const portClaims: Claim[] = [];
const memoryClaims: Claim[] = [];
const EMPTY = new Uint8Array(0);


function heldByOther(claims: Claim[], pid: u64, start: u64, end: u64): Claim | null {
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    if (c.pid != pid && c.start < end && start < c.end) return c;
  }
  return null;
}

function holds(claims: Claim[], pid: u64, start: u64, end: u64): bool {
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    if (c.pid == pid && c.start <= start && end <= c.end) return true;
  }
  return false;
}

function claim(sender: Process, m: Message, claims: Claim[], start: u64, end: u64, what: string): void {
  const other = heldByOther(claims, sender.pid, start, end);
  if (other !== null) {
    kernelRefuse(sender, m, what + " 0x" + start.toString(16) + " is claimed by process " + other.pid.toString());
    return;
  }
  claims.push(new Claim(sender.pid, start, end, false));
  kernelAnswer(sender, m, false, EMPTY);
}

/**
 * Makes [start, end) claimed by `pid` without the RAM check (the screen's
 * memory for its owner); returns the pid already holding part of it, or 0.
 */
export function claimMemoryFor(pid: u64, start: u64, end: u64): u64 {
  const other = heldByOther(memoryClaims, pid, start, end);
  if (other !== null) return other.pid;
  memoryClaims.push(new Claim(pid, start, end, false));
  return 0;
}

function portAccess(sender: Process, m: Message, port: u64, width: u32, write: bool, value: u32): void {
  if (width != 1 && width != 2 && width != 4) kernelRefuse(sender, m, "port width must be 1, 2 or 4");
  else if (!holds(portClaims, sender.pid, port, port + width)) kernelRefuse(sender, m, "port 0x" + port.toString(16) + " is not claimed by this process");
  else if (write) {
    if (width == 1) outb(<u32>port, value);
    else if (width == 2) outw(<u32>port, value);
    else outl(<u32>port, value);
    kernelAnswer(sender, m, false, EMPTY);
  } else {
    const read = width == 1 ? inb(<u32>port) : width == 2 ? inw(<u32>port) : inl(<u32>port);
    kernelAnswer(sender, m, false, hardware.encodePortReadAnswer(read));
  }
}

function claimMemory(sender: Process, m: Message, start: u64, length: u64): void {
  const end = start + length;
  if (length == 0 || end < start || end > LOW_END) kernelRefuse(sender, m, "memory range outside the first 4 GiB");
  else if (overlapsRam(start, end)) kernelRefuse(sender, m, "memory at 0x" + start.toString(16) + " is RAM; use allocateDma");
  else claim(sender, m, memoryClaims, start, end, "memory");
}

function allocateDma(sender: Process, m: Message, length: u32): void {
  const frames = (<u64>length + FRAME_SIZE - 1) / FRAME_SIZE;
  if (frames == 0 || frames > MAX_DMA_FRAMES) {
    kernelRefuse(sender, m, "DMA buffers are 1 byte to " + (MAX_DMA_FRAMES * FRAME_SIZE).toString() + " bytes");
    return;
  }
  if (dmaFramesOf(sender.pid) + frames > MAX_DMA_FRAMES_PER_PROCESS) {
    kernelRefuse(sender, m, "the DMA buffers of one process hold at most " + (MAX_DMA_FRAMES_PER_PROCESS * FRAME_SIZE).toString() + " bytes");
    return;
  }
  const problem = chargeKernelMemory(sender, frames * FRAME_SIZE, "a DMA buffer of " + (frames * FRAME_SIZE).toString() + " bytes");
  if (problem.length > 0) {
    kernelRefuse(sender, m, problem);
    return;
  }
  // Below 4 GiB: many devices put only 32 address bits on the bus.
  const physical = allocLowFrames(frames, 1);
  if (physical == 0) {
    creditKernelMemory(sender, frames * FRAME_SIZE);
    kernelRefuse(sender, m, "no " + frames.toString() + " contiguous free frames");
    return;
  }
  physFill(physical, 0, frames * FRAME_SIZE);
  memoryClaims.push(new Claim(sender.pid, physical, physical + frames * FRAME_SIZE, true));
  kernelAnswer(sender, m, false, hardware.encodeAllocateDmaAnswer(physical));
}

function dmaFramesOf(pid: u64): u64 {
  let frames: u64 = 0;
  for (let i = 0; i < memoryClaims.length; i++) {
    const c = memoryClaims[i];
    if (c.dma && c.pid == pid) frames += (c.end - c.start) / FRAME_SIZE;
  }
  return frames;
}

function freeDma(sender: Process, m: Message, physical: u64): void {
  for (let i = 0; i < memoryClaims.length; i++) {
    const c = memoryClaims[i];
    if (c.dma && c.pid == sender.pid && c.start == physical) {
      freeFrames(c.start, (c.end - c.start) / FRAME_SIZE);
      creditKernelMemory(sender, c.end - c.start);
      memoryClaims.splice(i, 1);
      kernelAnswer(sender, m, false, EMPTY);
      return;
    }
  }
  kernelRefuse(sender, m, "no DMA buffer of this process at 0x" + physical.toString(16));
}

// Device registers want one access of their own width (a byte copy of a
// 32-bit register is four byte accesses, which many devices ignore): an
// aligned transfer of 1, 2, 4 or 8 bytes is a single load or store.
function isRegisterAccess(physical: u64, length: u32): bool {
  return (length == 1 || length == 2 || length == 4 || length == 8) && (physical & (<u64>length - 1)) == 0;
}

function readRegister(to: usize, physical: u64, length: u32): void {
  if (length == 1) store<u8>(to, <u8>peek8(physical));
  else if (length == 2) store<u16>(to, <u16>peek16(physical));
  else if (length == 4) store<u32>(to, peek32(physical));
  else store<u64>(to, peek64(physical));
}

function writeRegister(physical: u64, from: usize, length: u32): void {
  if (length == 1) poke8(physical, load<u8>(from));
  else if (length == 2) poke16(physical, load<u16>(from));
  else if (length == 4) poke32(physical, load<u32>(from));
  else poke64(physical, load<u64>(from));
}

// A range that wraps past the top of the address space is held by no one.
function holdsRange(sender: Process, start: u64, length: u64): bool {
  return start + length >= start && holds(memoryClaims, sender.pid, start, start + length);
}

function refuseUnclaimed(sender: Process, m: Message, physical: u64, length: u64): void {
  kernelRefuse(sender, m, "memory 0x" + physical.toString(16) + " (" + length.toString() + " bytes) is not claimed by this process");
}

function memoryRead(sender: Process, m: Message, physical: u64, length: u32): void {
  if (length > MAX_TRANSFER || !holdsRange(sender, physical, length)) {
    refuseUnclaimed(sender, m, physical, length);
    return;
  }
  const data = new Uint8Array(<i32>length);
  if (isRegisterAccess(physical, length)) readRegister(data.dataStart, physical, length);
  else physRead(data.dataStart, physical, length);
  kernelAnswer(sender, m, false, hardware.encodeMemoryReadAnswer(data));
}

function memoryWrite(sender: Process, m: Message, physical: u64, data: usize, length: u32): void {
  if (!holdsRange(sender, physical, length)) {
    refuseUnclaimed(sender, m, physical, length);
    return;
  }
  if (isRegisterAccess(physical, length)) writeRegister(physical, data, length);
  else physWrite(physical, data, length);
  kernelAnswer(sender, m, false, EMPTY);
}

function memoryCopy(sender: Process, m: Message, to: u64, from: u64, length: u64): void {
  if (!holdsRange(sender, from, length)) refuseUnclaimed(sender, m, from, length);
  else if (!holdsRange(sender, to, length)) refuseUnclaimed(sender, m, to, length);
  else {
    physMove(to, from, length);
    kernelAnswer(sender, m, false, EMPTY);
  }
}

function subscribeIrq(sender: Process, m: Message, irq: u32): void {
  if (irq >= ISA_IRQS) {
    kernelRefuse(sender, m, "ISA interrupts are 0 to 15");
    return;
  }
  const held = subscriptionFor(irq);
  if (held !== null) {
    kernelRefuse(sender, m, "IRQ " + irq.toString() + " is delivered to process " + held.process.pid.toString());
    return;
  }
  const vector = setIsaIrqMasked(irq, false);
  if (vector == 0) {
    kernelRefuse(sender, m, "IRQ " + irq.toString() + " has no route");
    return;
  }
  subscribe(irq, vector, sender);
  kernelAnswer(sender, m, false, EMPTY);
}

function malformed(sender: Process, m: Message): void {
  refuseMalformed(sender, m, "hardware");
}

function claimPorts(sender: Process, m: Message, request: hardware.ClaimPorts | null): void {
  if (request === null) return malformed(sender, m);
  const first = <u64>request.first;
  const count = <u64>request.count;
  if (count == 0 || first + count > PORTS) kernelRefuse(sender, m, "ports are 0 to 0xffff");
  else claim(sender, m, portClaims, first, first + count, "port");
}

// The data is used where it lies in the payload (up to 64 KiB of pixels,
// say), so its place comes from the generated offsets, not a decoded copy.
function memoryWriteMessage(sender: Process, m: Message): void {
  const p = m.payload;
  const dataAt = hardware.MEMORY_WRITE_DATA_AT;
  const length = p.length >= <i32>dataAt + 4 ? load<u32>(p.dataStart + dataAt) : 0;
  if (p.length < <i32>dataAt + 4 || <u64>dataAt + 4 + length != <u64>p.length) return malformed(sender, m);
  memoryWrite(sender, m, load<u64>(p.dataStart + hardware.MEMORY_WRITE_PHYSICAL_AT), p.dataStart + dataAt + 4, length);
}

function handle(sender: Process, m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == hardware.CLAIM_PORTS) claimPorts(sender, m, hardware.decodeClaimPorts(p));
  else if (ordinal == hardware.PORT_READ) portRead(sender, m, hardware.decodePortRead(p));
  else if (ordinal == hardware.PORT_WRITE) portWrite(sender, m, hardware.decodePortWrite(p));
  else if (ordinal == hardware.CLAIM_MEMORY) claimMemoryMessage(sender, m, hardware.decodeClaimMemory(p));
  else if (ordinal == hardware.ALLOCATE_DMA) allocateDmaMessage(sender, m, hardware.decodeAllocateDma(p));
  else if (ordinal == hardware.FREE_DMA) freeDmaMessage(sender, m, hardware.decodeFreeDma(p));
  else if (ordinal == hardware.MEMORY_READ) memoryReadMessage(sender, m, hardware.decodeMemoryRead(p));
  else if (ordinal == hardware.SUBSCRIBE_IRQ) subscribeIrqMessage(sender, m, hardware.decodeSubscribeIrq(p));
  else if (ordinal == hardware.MEMORY_WRITE) memoryWriteMessage(sender, m);
  else if (ordinal == hardware.MEMORY_COPY) memoryCopyMessage(sender, m, hardware.decodeMemoryCopy(p));
  else malformed(sender, m);
}

function portRead(sender: Process, m: Message, request: hardware.PortRead | null): void {
  if (request === null) return malformed(sender, m);
  portAccess(sender, m, request.port, request.width, false, 0);
}

function portWrite(sender: Process, m: Message, request: hardware.PortWrite | null): void {
  if (request === null) return malformed(sender, m);
  portAccess(sender, m, request.port, request.width, true, request.value);
}

function claimMemoryMessage(sender: Process, m: Message, request: hardware.ClaimMemory | null): void {
  if (request === null) return malformed(sender, m);
  claimMemory(sender, m, request.physical, request.length);
}

function allocateDmaMessage(sender: Process, m: Message, request: hardware.AllocateDma | null): void {
  if (request === null) return malformed(sender, m);
  allocateDma(sender, m, request.length);
}

function freeDmaMessage(sender: Process, m: Message, request: hardware.FreeDma | null): void {
  if (request === null) return malformed(sender, m);
  freeDma(sender, m, request.physical);
}

function memoryReadMessage(sender: Process, m: Message, request: hardware.MemoryRead | null): void {
  if (request === null) return malformed(sender, m);
  memoryRead(sender, m, request.physical, request.length);
}

function subscribeIrqMessage(sender: Process, m: Message, request: hardware.SubscribeIrq | null): void {
  if (request === null) return malformed(sender, m);
  subscribeIrq(sender, m, request.irq);
}

function memoryCopyMessage(sender: Process, m: Message, request: hardware.MemoryCopy | null): void {
  if (request === null) return malformed(sender, m);
  memoryCopy(sender, m, request.to, request.from, request.length);
}

function dropClaims(claims: Claim[], pid: u64): void {
  for (let i = claims.length - 1; i >= 0; i--) {
    const c = claims[i];
    if (c.pid != pid) continue;
    if (c.dma) freeFrames(c.start, (c.end - c.start) / FRAME_SIZE);
    claims.splice(i, 1);
  }
}

/** A process ended: its ports, memory and DMA buffers go. */
function releaseHardware(p: Process): void {
  const lines = unsubscribeProcess(p, 0, ISA_IRQS);
  for (let i = 0; i < lines.length; i++) setIsaIrqMasked(lines[i].irq, true);
  dropClaims(portClaims, p.pid);
  dropClaims(memoryClaims, p.pid);
}

export const service = new KernelService(HARDWARE_INTERFACE, handle, releaseHardware);
