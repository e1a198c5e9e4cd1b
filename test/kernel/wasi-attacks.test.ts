// Attacks on WASI preview 1 designed from docs/wasi.md and docs/ipc.md alone:
// pointers at and past the end of memory, lengths that wrap, overlapping
// buffers, huge counts and timeouts, clock ids out of range, missing grants,
// a console that answers badly, ends or kills its caller mid-call, a program
// that mixes Atoll system calls with WASI calls, and repeated calls that
// must not make the kernel hold more memory. Every function answers an
// errno; nothing traps, hangs or grows the kernel.
import assert from "node:assert/strict";
import { assertSurvived, deafForever, pong, PONG, run } from "../harness/hostile.ts";
import type { BootProgram } from "../harness/programs.ts";
import { wasiErrnos } from "../../tools/hosted/abi.ts";
import { cidOf } from "../../tools/identity/cid.ts";
import { interfaceHash, NOTIFICATION, program, testInterface, wat2wasm } from "../../tools/hosted/programs.ts";

const CONSOLE = interfaceHash("console");
const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const TIME = interfaceHash("time");
const RANDOM = interfaceHash("random");
const PROCESS = interfaceHash("process");
const LOG = interfaceHash("log");
const ERRNO = wasiErrnos();
const U32_MAX = 0xffffffff;

const SIGNATURES: Record<string, string> = {
  fd_write: "(param i32 i32 i32 i32) (result i32)",
  fd_read: "(param i32 i32 i32 i32) (result i32)",
  args_sizes_get: "(param i32 i32) (result i32)",
  args_get: "(param i32 i32) (result i32)",
  environ_sizes_get: "(param i32 i32) (result i32)",
  environ_get: "(param i32 i32) (result i32)",
  random_get: "(param i32 i32) (result i32)",
  clock_time_get: "(param i32 i64 i32) (result i32)",
  clock_res_get: "(param i32 i32) (result i32)",
  fd_fdstat_get: "(param i32 i32) (result i32)",
  fd_filestat_get: "(param i32 i32) (result i32)",
  fd_close: "(param i32) (result i32)",
  fd_seek: "(param i32 i64 i32 i32) (result i32)",
  fd_prestat_dir_name: "(param i32 i32 i32) (result i32)",
  poll_oneoff: "(param i32 i32 i32 i32) (result i32)",
  sched_yield: "(result i32)",
  proc_exit: "(param i32)",
};

/** A WASI command that may also use Atoll's system calls; $check(got, want) exits with 100 + the number of the failed check. */
function attacker(body: string, pages = 1, data = ""): Uint8Array {
  const imports = Object.entries(SIGNATURES)
    .map(([name, sig]) => `(import "wasi_snapshot_preview1" "${name}" (func $${name} ${sig}))`).join("\n    ");
  return wat2wasm(`(module
    ${imports}
    (import "atoll" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
    (import "atoll" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
    (import "atoll" "cancel" (func $cancel (param i64) (result i32)))
    (import "atoll" "answer" (func $answer (param i64 i32 i32 i32) (result i32)))
    (memory (export "memory") ${pages})
    (data (i32.const 16) "hello ")
    (data (i32.const 32) "${hex(REGISTRY)}")
    (data (i32.const 64) "${hex(PONG)}")
    ${data}
    (global $checks (mut i32) (i32.const 0))
    (func $check (param $got i32) (param $want i32)
      (global.set $checks (i32.add (global.get $checks) (i32.const 1)))
      (if (i32.ne (local.get $got) (local.get $want)) (then (call $proc_exit (i32.add (i32.const 100) (global.get $checks))))))
    ;; An errno is any value below 77 (the highest preview 1 errno is 76).
    (func $isErrno (param $got i32) (result i32) (i32.lt_u (local.get $got) (i32.const 77)))
    (func $iovec (param $at i32) (param $ptr i32) (param $len i32)
      (i32.store (local.get $at) (local.get $ptr)) (i32.store offset=4 (local.get $at) (local.get $len)))
    ;; preview 1 subscriptions are 48 bytes: userdata, tag at 8, then the clock id, timeout, precision, flags or the descriptor from 16
    (func $clockSub (param $at i32) (param $user i64) (param $id i32) (param $timeout i64) (param $flags i32)
      (memory.fill (local.get $at) (i32.const 0) (i32.const 48))
      (i64.store (local.get $at) (local.get $user))
      (i32.store offset=16 (local.get $at) (local.get $id))
      (i64.store offset=24 (local.get $at) (local.get $timeout))
      (i32.store16 offset=40 (local.get $at) (local.get $flags)))
    (func $streamSub (param $at i32) (param $user i64) (param $tag i32) (param $fd i32)
      (memory.fill (local.get $at) (i32.const 0) (i32.const 48))
      (i64.store (local.get $at) (local.get $user))
      (i32.store8 offset=8 (local.get $at) (local.get $tag))
      (i32.store offset=16 (local.get $at) (local.get $fd)))
    (func (export "_start") (local $i i32) (local $r i32) ${body}
      (call $proc_exit (i32.const 0))))`);
}

function hex(h: string): string {
  return h.replace(/../g, "\\$&");
}

/** A console stand-in: answers readLine with `line` (at most 58,000 bytes), a write with nothing; `onRead` runs for each readLine first. */
function lineConsole(line: string, onRead = "", hashes: Record<number, string> = {}): Uint8Array {
  const bytes = Buffer.from(line);
  return program(CONSOLE, `
    (call $register (i32.const 64))
    (i32.store (i32.const 73000) (i32.const ${bytes.length}))
    (memory.fill (i32.const 73004) (i32.const 0x78) (i32.const ${bytes.length}))
    ${[...bytes].map((b, i) => b === 0x78 ? "" : `(i32.store8 (i32.const ${73004 + i}) (i32.const ${b}))`).join("")}
    (loop $serve
      ;; room for a whole 64 KiB write, so a big one cannot leave it spinning on -6
      (block $got (loop $skip
        (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 66000)))
        (br_if $got (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming})))
        (br $skip)))
      (if (i32.eqz (i32.load8_u (i32.const ${NOTIFICATION.at.incomingData})))
        (then (i32.store (i32.const 200) (i32.const 0)) (i32.store (i32.const 204) (i32.const 0)))
        (else ${onRead} (i32.store (i32.const 200) (i32.const 73000)) (i32.store (i32.const 204) (i32.const ${bytes.length + 4}))))
      (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))
      (br $serve))`, hashes);
}

async function attack(wasi: Uint8Array, grants: string[], others: BootProgram[] = [], args = "", console = lineConsole("typed")): Promise<string> {
  return run(
    [
      { name: "console", bytes: console, grants: [REGISTRY, KERNEL_LOG, PROCESS] },
      ...others,
      { name: "wasi", bytes: wasi, grants, notStarted: true },
    ],
    `run ${await cidOf(wasi)} name=wasi grant=${grants.join(",")}${args}\n`,
  );
}

function assertExited(log: string, status = 0): void {
  assertSurvived(log);
  assert.match(log, new RegExp(`wasi \\(pid \\d+\\) exited with status ${status}\\r`), log.split("\n").filter((l) => /wasi|trap|ended/.test(l)).join("\n"));
}

describe("WASI preview 1 under attack (hosted)", function () {
  this.timeout(120_000);

  it("fd_write: iovecs at and past the end of memory, lengths that wrap, zero-length and repeated buffers", async () => {
    const log = await attack(attacker(`
      ;; the iovec array itself crosses the end of memory
      (call $check (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.fault}))
      ;; a buffer whose end wraps past 2^32
      (call $iovec (i32.const 400) (i32.const 0xfffffff0) (i32.const 0x20))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.fault}))
      (call $iovec (i32.const 400) (i32.const 16) (i32.const ${U32_MAX}))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.fault}))
      ;; a buffer ending exactly at the end of memory is fine
      (call $iovec (i32.const 400) (i32.const 65535) (i32.const 1))
      (i32.store8 (i32.const 65535) (i32.const 0x21))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 420)) (i32.const 1))
      ;; nwritten out of memory
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 65533)) (i32.const ${ERRNO.fault}))
      ;; a count so large its array wraps
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 0x20000001) (i32.const 420)) (i32.const ${ERRNO.inval}))
      ;; no buffers, and 1,024 empty ones, write nothing
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 0) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 420)) (i32.const 0))
      (memory.fill (i32.const 8192) (i32.const 0) (i32.const 8192))
      (call $check (call $fd_write (i32.const 1) (i32.const 8192) (i32.const 1024) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 420)) (i32.const 0))
      ;; 1,024 buffers each the whole memory: 64 MiB asked, about 64 KiB written
      (local.set $i (i32.const 0))
      (loop $fill
        (call $iovec (i32.add (i32.const 8192) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0) (i32.const 65536))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 1024))))
      (call $check (call $fd_write (i32.const 1) (i32.const 8192) (i32.const 1024) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.gt_u (i32.load (i32.const 420)) (i32.const 0)) (i32.const 1))
      (call $check (i32.le_u (i32.load (i32.const 420)) (i32.const 65536)) (i32.const 1))
      ;; descriptors that do not exist, including negative ones
      (call $check (call $fd_write (i32.const 3) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_write (i32.const -1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_write (i32.const 0) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))`), [CONSOLE]);
    assertExited(log);
  });

  it("a single fd_write of 65,530 bytes is cut and written, not a kernel panic", async () => {
    const log = await attack(attacker(`
      (memory.fill (i32.const 1000) (i32.const 0x41) (i32.const 64536))
      (call $iovec (i32.const 400) (i32.const 6) (i32.const 65530))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.gt_u (i32.load (i32.const 420)) (i32.const 0)) (i32.const 1))`), [CONSOLE]);
    assertExited(log);
  });

  it("a single fd_write of 60,000 bytes is written whole", async () => {
    const log = await attack(attacker(`
      (call $iovec (i32.const 400) (i32.const 1000) (i32.const 60000))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 420)) (i32.const 60000))`), [CONSOLE]);
    assertExited(log);
  });

  it("fd_write cuts at a UTF-8 boundary however the characters fall across buffers", async () => {
    // 70,000 bytes of two-byte characters, starting one byte in so every cut at an even count would split one.
    const log = await attack(attacker(`
      (local.set $i (i32.const 0))
      (loop $fill
        (i32.store16 (i32.add (i32.const 1001) (local.get $i)) (i32.const 0xa9c3))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 64000))))
      (i32.store8 (i32.const 1000) (i32.const 0x41))
      (call $iovec (i32.const 400) (i32.const 1000) (i32.const 32001))
      (call $iovec (i32.const 408) (i32.const 1001) (i32.const 40000))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 2) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.le_u (i32.load (i32.const 420)) (i32.const 72001)) (i32.const 1))
      (call $check (i32.ge_u (i32.load (i32.const 420)) (i32.const 60000)) (i32.const 1))
      ;; 'A' plus whole characters from the first buffer, then whole ones from the second: an odd count
      (call $check (i32.and (i32.load (i32.const 420)) (i32.const 1)) (i32.const 1))
      ;; a lone continuation byte or invalid bytes still answer, never trap
      (i32.store (i32.const 2000) (i32.const 0xffa9fe80))
      (call $iovec (i32.const 400) (i32.const 2000) (i32.const 4))
      (call $check (call $isErrno (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420))) (i32.const 1))`, 2), [CONSOLE]);
    assertExited(log);
  });
});

describe("WASI preview 1 under attack: reads, arguments, clocks, random bytes (hosted)", function () {
  this.timeout(120_000);

  it("fd_read: a bad pointer loses nothing of the line, zero-length and overlapping buffers, a buffer over its own iovecs", async () => {
    const log = await attack(attacker(`
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 3))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 65533)) (i32.const ${ERRNO.fault}))
      (call $check (call $fd_read (i32.const 0) (i32.const 65530) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.fault}))
      (call $iovec (i32.const 430) (i32.const 65534) (i32.const 3))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.fault}))
      (call $iovec (i32.const 430) (i32.const 0xfffffffe) (i32.const 4))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.fault}))
      ;; after the faults the line is still whole: "typed\\n" read three bytes at a time, past a zero-length buffer
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 0))
      (call $iovec (i32.const 438) (i32.const 600) (i32.const 3))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 2) (i32.const 440)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 440)) (i32.const 3))
      (call $check (i32.load (i32.const 600)) (i32.const 0x707974))
      ;; two buffers on the same bytes: the second chunk lands over the first
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 2))
      (call $iovec (i32.const 438) (i32.const 600) (i32.const 2))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 2) (i32.const 440)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 440)) (i32.const 3))
      (call $check (i32.load8_u (i32.const 600)) (i32.const 0x0a))
      ;; only zero-length buffers, or none: nothing read, no line asked for
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 0))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 440)) (i32.const 0))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 0) (i32.const 440)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 440)) (i32.const 0))
      ;; a buffer laid over its own iovec array and the next iovec: an answer, never a write outside memory
      (call $iovec (i32.const 430) (i32.const 430) (i32.const 16))
      (call $iovec (i32.const 438) (i32.const 65530) (i32.const 6))
      (local.set $r (call $fd_read (i32.const 0) (i32.const 430) (i32.const 2) (i32.const 440)))
      (call $check (i32.or (i32.eqz (local.get $r)) (i32.eq (local.get $r) (i32.const ${ERRNO.fault}))) (i32.const 1))
      (call $check (call $fd_read (i32.const 4) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_read (i32.const 1) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1025) (i32.const 440)) (i32.const ${ERRNO.inval}))`), [CONSOLE]);
    assertExited(log);
  });

  it("fd_read hands out a 58,000-byte line over many small reads, every byte once", async () => {
    const line = "a" + "x".repeat(57_998) + "z";
    const log = await attack(attacker(`
      (local.set $i (i32.const 0))
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 7))
      (loop $more
        (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.success}))
        (local.set $i (i32.add (local.get $i) (i32.load (i32.const 440))))
        (br_if $more (i32.ne (i32.load8_u (i32.add (i32.const 599) (i32.load (i32.const 440)))) (i32.const 0x0a))))
      (call $check (local.get $i) (i32.const 58001))
      (call $check (i32.load8_u (i32.add (i32.const 598) (i32.load (i32.const 440)))) (i32.const 0x7a))`), [CONSOLE], [], "", lineConsole(line));
    assertExited(log);
  });

  it("args and environ: buffers at the end of memory fault, overlapping ones answer", async () => {
    const log = await attack(attacker(`
      (call $check (call $args_sizes_get (i32.const 65533) (i32.const 104)) (i32.const ${ERRNO.fault}))
      (call $check (call $args_sizes_get (i32.const 100) (i32.const -1)) (i32.const ${ERRNO.fault}))
      (call $check (call $args_sizes_get (i32.const 100) (i32.const 104)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 100)) (i32.const 3))
      ;; argv fits, the strings do not
      (call $check (call $args_get (i32.const 200) (i32.sub (i32.const 65536) (i32.sub (i32.load (i32.const 104)) (i32.const 1)))) (i32.const ${ERRNO.fault}))
      (call $check (call $args_get (i32.const 65528) (i32.const 300)) (i32.const ${ERRNO.fault}))
      (call $check (call $args_get (i32.const -4) (i32.const 300)) (i32.const ${ERRNO.fault}))
      ;; exactly enough room at the end of memory
      (call $check (call $args_get (i32.const 200) (i32.sub (i32.const 65536) (i32.load (i32.const 104)))) (i32.const ${ERRNO.success}))
      (call $check (i32.load8_u (i32.const 65535)) (i32.const 0))
      ;; argv written over the strings
      (call $check (call $args_get (i32.const 302) (i32.const 300)) (i32.const ${ERRNO.success}))
      (call $check (call $environ_sizes_get (i32.const 65535) (i32.const 104)) (i32.const ${ERRNO.fault}))
      (call $check (call $environ_get (i32.const 65536) (i32.const 65536)) (i32.const ${ERRNO.success}))`), [TIME], [], " arg=one arg=two");
    assertExited(log);
  });

  it("clocks: ids out of range are EINVAL, results outside memory EFAULT, CPU clocks need time", async () => {
    const log = await attack(attacker(`
      (call $check (call $clock_res_get (i32.const 1) (i32.const 8)) (i32.const ${ERRNO.success}))
      (call $check (i32.wrap_i64 (i64.load (i32.const 8))) (i32.const 1))
      (call $check (call $clock_res_get (i32.const 4) (i32.const 8)) (i32.const ${ERRNO.inval}))
      (call $check (call $clock_res_get (i32.const -1) (i32.const 8)) (i32.const ${ERRNO.inval}))
      (call $check (call $clock_res_get (i32.const 1) (i32.const 65529)) (i32.const ${ERRNO.fault}))
      (call $check (call $clock_time_get (i32.const 4) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.inval}))
      (call $check (call $clock_time_get (i32.const -1) (i64.const -1) (i32.const 8)) (i32.const ${ERRNO.inval}))
      (call $check (call $clock_time_get (i32.const 1) (i64.const -1) (i32.const 65529)) (i32.const ${ERRNO.fault}))
      (call $check (call $clock_time_get (i32.const 2) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.success}))
      (call $check (call $clock_time_get (i32.const 3) (i64.const 0) (i32.const 16)) (i32.const ${ERRNO.success}))
      (call $check (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 65528)) (i32.const ${ERRNO.success}))
      (call $check (i64.le_u (i64.load (i32.const 8)) (i64.load (i32.const 65528))) (i32.const 1))`), [TIME]);
    assertExited(log);
    const denied = await attack(attacker(`
      (call $check (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.notcapable}))
      (call $check (call $clock_time_get (i32.const 2) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.notcapable}))
      (call $check (call $clock_time_get (i32.const 3) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.notcapable}))
      (call $check (call $clock_res_get (i32.const 1) (i32.const 8)) (i32.const ${ERRNO.success}))`), [RANDOM]);
    assertExited(denied);
  });

  it("random_get: huge or wrapping lengths fault at once, a whole memory fills, no grant no bytes", async () => {
    const log = await attack(attacker(`
      (call $check (call $random_get (i32.const 0) (i32.const ${U32_MAX})) (i32.const ${ERRNO.fault}))
      (call $check (call $random_get (i32.const -1) (i32.const 2)) (i32.const ${ERRNO.fault}))
      (call $check (call $random_get (i32.const 131072) (i32.const 0)) (i32.const ${ERRNO.success}))
      (call $check (call $random_get (i32.const 0) (i32.const 131072)) (i32.const ${ERRNO.success}))
      ;; the last bytes were filled too: 16 zero bytes at the end are all but impossible
      (call $check (i32.and (i64.eqz (i64.load (i32.const 131056))) (i64.eqz (i64.load (i32.const 131064)))) (i32.const 0))`, 2), [RANDOM]);
    assertExited(log);
    const denied = await attack(attacker(`
      (call $check (call $random_get (i32.const 100) (i32.const 8)) (i32.const ${ERRNO.notcapable}))
      (call $check (i64.eqz (i64.load (i32.const 100))) (i32.const 1))`), [TIME]);
    assertExited(denied);
  });
});

describe("WASI preview 1 under attack: poll_oneoff (hosted)", function () {
  this.timeout(120_000);

  it("absolute times in the past wake at once, the earliest of mixed clocks wins, streams beat a timeout of 2^64-1", async () => {
    // Events are 32 bytes at 3000: userdata, error (u16) at 8, type at 10.
    const log = await attack(attacker(`
      ;; an absolute time long past (flag 1) on the monotonic clock
      (call $clockSub (i32.const 2000) (i64.const 11) (i32.const 1) (i64.const 0) (i32.const 1))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 2900)) (i32.const 1))
      (call $check (i32.wrap_i64 (i64.load (i32.const 3000))) (i32.const 11))
      (call $check (i32.load16_u (i32.const 3008)) (i32.const 0))
      (call $check (i32.load8_u (i32.const 3010)) (i32.const 0))
      ;; absolute 2^64-1 beside a relative millisecond: only the millisecond is due
      (call $clockSub (i32.const 2000) (i64.const 21) (i32.const 1) (i64.const -1) (i32.const 1))
      (call $clockSub (i32.const 2048) (i64.const 22) (i32.const 1) (i64.const 1000000) (i32.const 0))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 2) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 2900)) (i32.const 1))
      (call $check (i32.wrap_i64 (i64.load (i32.const 3000))) (i32.const 22))
      ;; a relative 2^64-1 beside a write stream: the stream is ready, the clock is not
      (call $clockSub (i32.const 2000) (i64.const 31) (i32.const 1) (i64.const -1) (i32.const 0))
      (call $streamSub (i32.const 2048) (i64.const 32) (i32.const 2) (i32.const 1))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 2) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 2900)) (i32.const 1))
      (call $check (i32.wrap_i64 (i64.load (i32.const 3000))) (i32.const 32))
      (call $check (i32.load8_u (i32.const 3010)) (i32.const 2))
      ;; the events written over the subscriptions they answer
      (call $clockSub (i32.const 2000) (i64.const 41) (i32.const 1) (i64.const 1000) (i32.const 0))
      (call $clockSub (i32.const 2048) (i64.const 42) (i32.const 2) (i64.const 0) (i32.const 1))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 2000) (i32.const 2) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.ge_u (i32.load (i32.const 2900)) (i32.const 1)) (i32.const 1))
      ;; the event count or the events outside memory
      (call $clockSub (i32.const 2000) (i64.const 51) (i32.const 1) (i64.const 0) (i32.const 0))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 65533)) (i32.const ${ERRNO.fault}))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 65520) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.fault}))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const -16) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.fault}))
      (call $check (call $poll_oneoff (i32.const -8) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.fault}))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 0x10000000) (i32.const 2900)) (i32.const ${ERRNO.inval}))`), [TIME, CONSOLE]);
    assertExited(log);
  });

  it("odd subscriptions answer an errno, in the call or in its event: unknown tags, unknown clocks, descriptors that do not exist, garbage flags", async () => {
    const log = await attack(attacker(`
      (call $streamSub (i32.const 2000) (i64.const 1) (i32.const 9) (i32.const 1))
      (call $check (call $isErrno (local.tee $r (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)))) (i32.const 1))
      (call $clockSub (i32.const 2000) (i64.const 2) (i32.const 77) (i64.const 1000) (i32.const 0))
      (call $check (call $isErrno (local.tee $r (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)))) (i32.const 1))
      (call $clockSub (i32.const 2000) (i64.const 3) (i32.const 1) (i64.const 1000) (i32.const 0xffff))
      (call $check (call $isErrno (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900))) (i32.const 1))
      (call $streamSub (i32.const 2000) (i64.const 4) (i32.const 1) (i32.const 5))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load16_u (i32.const 3008)) (i32.const ${ERRNO.badf}))
      ;; reading 0 with no part of a line left: the event carries ENOTSUP
      (call $streamSub (i32.const 2000) (i64.const 5) (i32.const 1) (i32.const 0))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load16_u (i32.const 3008)) (i32.const ${ERRNO.notsup}))
      ;; 1,024 clocks, every one already due
      (local.set $i (i32.const 0))
      (loop $subs
        (call $clockSub (i32.add (i32.const 8192) (i32.mul (local.get $i) (i32.const 48))) (i64.extend_i32_u (local.get $i)) (i32.const 1) (i64.const 0) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $subs (i32.lt_u (local.get $i) (i32.const 1024))))
      (call $check (call $poll_oneoff (i32.const 8192) (i32.const 65536) (i32.const 1024) (i32.const 2900)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 2900)) (i32.const 1024))`, 2), [TIME, CONSOLE]);
    assertExited(log);
  });

  it("without time, a clock subscription is ENOTCAPABLE", async () => {
    const log = await attack(attacker(`
      (call $clockSub (i32.const 2000) (i64.const 1) (i32.const 1) (i64.const 1000) (i32.const 0))
      (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.notcapable}))`), [CONSOLE]);
    assertExited(log);
  });

  it("a relative timeout of 2^64-1 sleeps for good: it does not wrap into the past", async () => {
    const log = await attack(attacker(`
      (call $clockSub (i32.const 2000) (i64.const 1) (i32.const 1) (i64.const -1) (i32.const 0))
      ;; should it wake, its status is 150 + the errno
      (call $proc_exit (i32.add (i32.const 150) (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900))))`), [TIME]);
    assertSurvived(log);
    assert.doesNotMatch(log, /wasi \(pid \d+\) (exited|ended)/);
  });
});

const SERVED = testInterface("wasi-served");

/** Registers SERVED (hash at 128) from the WASI program through Atoll's send and wait. */
const registerServed = `
  (i32.store8 (i32.const 1100) (i32.const 0))
  (memory.copy (i32.const 1101) (i32.const 128) (i32.const 32))
  (call $iovec (i32.const 1200) (i32.const 1100) (i32.const 33))
  (call $check (call $send (i32.const 32) (i32.const 1200) (i32.const 1) (i32.const 1) (i32.const 1208)) (i32.const 0))
  (call $check (i32.gt_s (call $wait (i32.const 1208) (i32.const 1) (i32.const 1) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
  (call $check (i32.load8_u (i32.const ${NOTIFICATION.at.answerError})) (i32.const 0))`;

/** A burst of WASI calls that each sleep on a message: a write to the console, the clock, random bytes, a 100 µs sleep. */
const wasiBurst = `
  (call $iovec (i32.const 400) (i32.const 16) (i32.const 5))
  (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.success}))
  (call $check (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.success}))
  (call $check (call $random_get (i32.const 1500) (i32.const 64)) (i32.const ${ERRNO.success}))
  (call $clockSub (i32.const 2000) (i64.const 1) (i32.const 1) (i64.const 100000) (i32.const 0))
  (call $check (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900)) (i32.const ${ERRNO.success}))`;

const PONG_CLIENT_GRANTS = [PONG, KERNEL_LOG];

describe("WASI preview 1 under attack: pending calls beside Atoll's system calls (hosted)", function () {
  this.timeout(180_000);

  it("answers to the program's own messages that arrive while a WASI call sleeps wait for its own `wait`, and no WASI answer is left for it", async () => {
    const log = await attack(attacker(`
      (local.set $i (i32.const 0))
      (loop $again
        (i32.store (i32.const 1000) (local.get $i))
        (call $iovec (i32.const 1010) (i32.const 1000) (i32.const 4))
        (call $check (call $send (i32.const 64) (i32.const 1010) (i32.const 1) (i32.const 3) (i32.const 1020)) (i32.const 0))
        ${wasiBurst}
        (call $check (i32.gt_s (call $wait (i32.const 1020) (i32.const 1) (i32.const 1) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
        (call $check (i64.eq (i64.load (i32.const ${NOTIFICATION.at.answerId})) (i64.load (i32.const 1020))) (i32.const 1))
        (call $check (i32.load (i32.const ${NOTIFICATION.at.answerData})) (local.get $i))
        ;; nothing else is queued for it: not an answer to any id near its own, not a message, not a notification
        (local.set $r (i32.const 0))
        (loop $ids
          (i64.store (i32.add (i32.const 5000) (i32.shl (local.get $r) (i32.const 3))) (i64.add (i64.load (i32.const 1020)) (i64.extend_i32_u (i32.sub (local.get $r) (i32.const 32)))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $ids (i32.lt_u (local.get $r) (i32.const 64))))
        (call $check (call $wait (i32.const 5000) (i32.const 64) (i32.const 2) (i32.const 4096) (i32.const 4096)) (i32.const 0))
        ;; nor can it withdraw a message the kernel sent for it
        (call $check (call $cancel (i64.add (i64.load (i32.const 1020)) (i64.const 1))) (i32.const -7))
        (call $check (call $cancel (i64.add (i64.load (i32.const 1020)) (i64.const 2))) (i32.const -7))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 50))))`), [CONSOLE, TIME, RANDOM, PONG], [{ name: "pong", bytes: pong, grants: [REGISTRY, KERNEL_LOG] }]);
    assertExited(log);
  });

  it("serves 100 round trips as a handler with WASI calls between them: messages that arrive while it sleeps are kept", async () => {
    const client = program(SERVED, `
      (local $i i32)
      (loop $again
        (i32.store (i32.const 400) (local.get $i))
        (call $expect (call $call (i32.const 64) (i32.const 400) (i32.const 4) (i32.const 3)) (i32.const 0))
        (call $expect (call $await) (i32.const 0))
        (call $expect (i32.load (i32.const ${NOTIFICATION.at.answerData})) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 100))))
      (call $log $str("100 served round trips done"))`);
    const log = await attack(attacker(`
      ${registerServed}
      (local.set $i (i32.const 0))
      (loop $serve
        ${wasiBurst}
        (call $check (i32.gt_s (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
        (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
          (then
            (call $iovec (i32.const 1300) (i32.const ${NOTIFICATION.at.incomingData}) (i32.load (i32.const ${NOTIFICATION.at.incomingLength})))
            (call $check (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 1300) (i32.const 1) (i32.const 0)) (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br_if $serve (i32.lt_u (local.get $i) (i32.const 100))))`, 1, `(data (i32.const 128) "${hex(SERVED)}")`),
      [CONSOLE, TIME, RANDOM, REGISTRY], [{ name: "client", bytes: client, grants: [SERVED, KERNEL_LOG] }]);
    assertExited(log);
    assert.match(log, /100 served round trips done/);
  });

  it("with 64 messages already awaiting answers, every WASI call that needs a message answers an errno and the program goes on", async () => {
    const deaf = program(PONG, `(call $register (i32.const 64)) ${deafForever}`);
    const log = await attack(attacker(`
      (local.set $i (i32.const 0))
      (call $iovec (i32.const 1010) (i32.const 1000) (i32.const 4))
      (loop $fill
        (call $check (call $send (i32.const 64) (i32.const 1010) (i32.const 1) (i32.const 3) (i32.const 1020)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 64))))
      (call $check (call $send (i32.const 64) (i32.const 1010) (i32.const 1) (i32.const 3) (i32.const 1020)) (i32.const -8))
      (call $iovec (i32.const 400) (i32.const 16) (i32.const 5))
      (call $check (call $isErrno (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420))) (i32.const 1))
      (call $check (call $isErrno (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8))) (i32.const 1))
      (call $check (call $isErrno (call $random_get (i32.const 1500) (i32.const 64))) (i32.const 1))
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 3))
      (call $check (call $isErrno (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440))) (i32.const 1))
      (call $clockSub (i32.const 2000) (i64.const 1) (i32.const 1) (i64.const 1000) (i32.const 0))
      (call $check (call $isErrno (call $poll_oneoff (i32.const 2000) (i32.const 3000) (i32.const 1) (i32.const 2900))) (i32.const 1))`),
      [CONSOLE, TIME, RANDOM, PONG], [{ name: "deaf", bytes: deaf, grants: [REGISTRY, KERNEL_LOG] }]);
    assertExited(log);
  });

  it("with its kernel memory quota spent on messages a deaf handler keeps, WASI calls answer an errno", async () => {
    const deaf = program(PONG, `(call $register (i32.const 64)) ${deafForever}`);
    const log = await attack(attacker(`
      (call $iovec (i32.const 1010) (i32.const 0) (i32.const 60000))
      (loop $fill (br_if $fill (i32.eqz (call $send (i32.const 64) (i32.const 1010) (i32.const 1) (i32.const 2) (i32.const 1020)))))
      (call $iovec (i32.const 400) (i32.const 0) (i32.const 60000))
      (call $check (call $isErrno (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 420))) (i32.const 1))
      (call $check (call $isErrno (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8))) (i32.const 1))
      (call $check (call $isErrno (call $random_get (i32.const 0) (i32.const 65536))) (i32.const 1))
      (call $iovec (i32.const 430) (i32.const 600) (i32.const 3))
      (call $check (call $isErrno (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440))) (i32.const 1))`),
      [CONSOLE, TIME, RANDOM, PONG], [{ name: "deaf", bytes: deaf, grants: [REGISTRY, KERNEL_LOG] }]);
    assertExited(log);
  });
});
