// The kernel memory account of each process. Everything the kernel holds on
// a process's behalf outside its linear memory is charged to it: its code,
// tables and stacks when it starts, its DMA buffers, and its messages
// (queued, delayed, owed an answer), the answers and notifications queued
// for it, its waiters, pending loads and registrations while they last. A
// request that would take the account past its quota fails for that
// process alone.
//
// The messages and notifications of all processes also draw on one pool,
// sized at boot from the kernel heap, so that 256 processes each at their
// quota still cannot exhaust the heap. Each process may hold a guaranteed
// share whatever the pool holds, so a flood from some processes cannot stop
// the small messages of the others.
import { POOL_SHARE_BYTES } from "./abi";
import { Process } from "./process";

const POOL_MIN_BYTES: u64 = 1 << 20;
const POOL_MAX_BYTES: u64 = 64 << 20;

let poolLimit: u64 = POOL_MIN_BYTES;
/** Pool bytes held past the processes' guaranteed shares. */
let poolOverShares: u64 = 0;
/** Pool bytes held in all. */
let poolHeld: u64 = 0;

/** Sizes the pool from the kernel heap available at boot: an eighth of it, 1 to 64 MiB. */
export function sizePool(heapAvailable: u64): void {
  poolLimit = min(POOL_MAX_BYTES, max(POOL_MIN_BYTES, heapAvailable >> 3));
}

export function poolLimitBytes(): u64 {
  return poolLimit;
}

export function poolHeldBytes(): u64 {
  return poolHeld;
}

/** Heap the pool may still take: what a new process's memory must leave free. */
export function poolUnclaimedBytes(liveProcesses: i32): u64 {
  const limit = poolLimit + <u64>liveProcesses * POOL_SHARE_BYTES;
  return limit > poolHeld ? limit - poolHeld : 0;
}

// What of `held` pool bytes falls past a process's guaranteed share.
function pastShare(held: u64): u64 {
  return held > POOL_SHARE_BYTES ? held - POOL_SHARE_BYTES : 0;
}

/** Whether `p` may have the kernel hold `bytes` more of the pool for it. */
export function canPool(p: Process, bytes: u64): bool {
  const growth = pastShare(p.pooledBytes + bytes) - pastShare(p.pooledBytes);
  // Within its share it may, however far forced charges took the pool.
  return p.kernelBytes + bytes <= p.kernelQuota && (growth == 0 || poolOverShares + growth <= poolLimit);
}

/** Charges `bytes` of the pool to `p`, room or not (bounded by count limits elsewhere). */
export function pool(p: Process, bytes: u64): void {
  poolOverShares += pastShare(p.pooledBytes + bytes) - pastShare(p.pooledBytes);
  poolHeld += bytes;
  p.pooledBytes += bytes;
  p.kernelBytes += bytes;
}

/** Gives `p` back `bytes` of the pool. */
export function unpool(p: Process, bytes: u64): void {
  poolOverShares -= pastShare(p.pooledBytes) - pastShare(p.pooledBytes - bytes);
  poolHeld -= bytes;
  p.pooledBytes -= bytes;
  p.kernelBytes -= bytes;
}

/** Charges kernel memory outside the pool (code, tables, stacks, DMA); "" or why not. */
export function chargeKernelMemory(p: Process, bytes: u64, what: string): string {
  if (p.kernelBytes + bytes > p.kernelQuota) return what + " needs " + kib(bytes) + " of kernel memory; " + accountText(p);
  p.kernelBytes += bytes;
  return "";
}

export function creditKernelMemory(p: Process, bytes: u64): void {
  p.kernelBytes -= bytes;
}

/** Why `p` may not have the kernel hold `bytes` more of the pool for it. */
export function poolProblem(p: Process, bytes: u64): string {
  if (p.kernelBytes + bytes > p.kernelQuota) return accountText(p);
  return "the kernel's message pool is full (" + kib(poolHeld) + " held, " + kib(poolLimit) + " beyond each process's " + kib(POOL_SHARE_BYTES) + ")";
}

function accountText(p: Process): string {
  return "process " + p.pid.toString() + " holds " + kib(p.kernelBytes) + " of kernel memory, its quota is " + kib(p.kernelQuota);
}

function kib(bytes: u64): string {
  return ((bytes + 1023) >> 10).toString() + " KiB";
}
