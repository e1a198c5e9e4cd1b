// WASI preview 1 programs on the hosted kernel: each function a thin
// translation to Atoll's interfaces, sent as the program, so its grants
// decide what it may do (docs/wasi.md). A stand-in console module logs what
// the program writes and types a line for it to read.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertSurvived, run } from "../harness/hostile.ts";
import { wasiErrnos } from "../../tools/hosted/abi.ts";
import { cidOf } from "../../tools/identity/cid.ts";
import { interfaceHash, NOTIFICATION, program, wat2wasm } from "../../tools/hosted/programs.ts";

const CONSOLE = interfaceHash("console");
const KERNEL_LOG = interfaceHash("kernel-log");
const REGISTRY = interfaceHash("registry");
const TIME = interfaceHash("time");
const RANDOM = interfaceHash("random");
const ERRNO = wasiErrnos();

/** Handles console: logs each write's text, answers readLine with "typed". */
const fakeConsole = program(CONSOLE, `
  (call $register (i32.const 64))
  (i32.store (i32.const 500) (i32.const 5))
  (i32.store (i32.const 504) (i32.const 0x65707974))
  (i32.store8 (i32.const 508) (i32.const 0x64))
  (loop $serve
    (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 66000)))
    (if (i32.eq (i32.load8_u (i32.const 4096)) (i32.const ${NOTIFICATION.kind.incoming}))
      (then
        (if (i32.eqz (i32.load8_u (i32.const ${NOTIFICATION.at.incomingData})))
          (then
            (call $log (i32.const ${NOTIFICATION.at.incomingData + 5}) (i32.load (i32.const ${NOTIFICATION.at.incomingData + 1})))
            (i32.store (i32.const 200) (i32.const 0)) (i32.store (i32.const 204) (i32.const 0)))
          (else (i32.store (i32.const 200) (i32.const 500)) (i32.store (i32.const 204) (i32.const 9))))
        (drop (call $answer (i64.load (i32.const ${NOTIFICATION.at.incomingId})) (i32.const 200) (i32.const 1) (i32.const 0)))))
    (br $serve))`);

/** A WASI command: `body` runs in _start with $check(got, want) and the imports below; a failed check is its exit status. */
function wasiProgram(body: string): Uint8Array {
  return wat2wasm(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_advise" (func $fd_advise (param i32 i64 i64 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hello ")
    (global $checks (mut i32) (i32.const 0))
    ;; A failed check exits with 100 + its number, counting from 1.
    (func $check (param $got i32) (param $want i32)
      (global.set $checks (i32.add (global.get $checks) (i32.const 1)))
      (if (i32.ne (local.get $got) (local.get $want)) (then (call $proc_exit (i32.add (i32.const 100) (global.get $checks))))))
    (func (export "_start") ${body}))`);
}

async function runWasi(body: string, grants: string[], args = "") {
  const bytes = wasiProgram(body);
  return run(
    [
      { name: "console", bytes: fakeConsole, grants: [REGISTRY, KERNEL_LOG] },
      { name: "wasi", bytes, grants, notStarted: true },
    ],
    `run ${await cidOf(bytes)} name=wasi grant=${grants.join(",")}${args}\n`,
  );
}

describe("WASI preview 1 (hosted)", function () {
  this.timeout(60_000);

  it("gives a command its arguments, writes and reads through the console, and exits with its status", async () => {
    const log = await runWasi(`
      (call $check (call $args_sizes_get (i32.const 100) (i32.const 104)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 100)) (i32.const 2))
      (call $check (i32.load (i32.const 104)) (i32.const 11))
      (call $check (call $args_get (i32.const 200) (i32.const 300)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 200)) (i32.const 300))
      (call $check (i32.load8_u (i32.const 304)) (i32.const 0))
      (i32.store (i32.const 400) (i32.const 16)) (i32.store (i32.const 404) (i32.const 6))
      (i32.store (i32.const 408) (i32.load (i32.const 204))) (i32.store (i32.const 412) (i32.const 5))
      (call $check (call $fd_write (i32.const 1) (i32.const 400) (i32.const 2) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 420)) (i32.const 11))
      (i32.store (i32.const 430) (i32.const 600)) (i32.store (i32.const 434) (i32.const 3))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 440)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 440)) (i32.const 3))
      (call $check (call $fd_read (i32.const 0) (i32.const 430) (i32.const 1) (i32.const 444)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 444)) (i32.const 3))
      (i32.store (i32.const 434) (i32.const 3))
      (call $check (call $fd_write (i32.const 2) (i32.const 430) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.success}))
      (call $check (call $environ_sizes_get (i32.const 100) (i32.const 104)) (i32.const ${ERRNO.success}))
      (call $check (i32.load (i32.const 100)) (i32.const 0))
      (call $proc_exit (i32.const 3))
      unreachable`, [CONSOLE], " arg=world");
    assertSurvived(log);
    assert.match(log, /console: hello world\r/);
    assert.match(log, /console: ed\r/, "the second read gave the rest of the typed line, 'typed' and a newline");
    assert.match(log, /wasi \(pid \d+\) exited with status 3/);
  });

  it("answers with errnos, never a trap: missing grants, bad pointers, descriptors that do not exist, streams that cannot seek, functions not there yet", async () => {
    const log = await runWasi(`
      (call $check (call $random_get (i32.const 100) (i32.const 5000)) (i32.const ${ERRNO.success}))
      (call $check (call $random_get (i32.const 65530) (i32.const 100)) (i32.const ${ERRNO.fault}))
      (call $check (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.success}))
      (call $check (i64.eqz (i64.load (i32.const 8))) (i32.const 0))
      (call $check (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.notcapable}))
      (call $check (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 8)) (i32.const ${ERRNO.inval}))
      (call $check (call $fd_write (i32.const 1) (i32.const 6000) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_write (i32.const 7) (i32.const 6000) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_write (i32.const 1) (i32.const 6000) (i32.const 1025) (i32.const 420)) (i32.const ${ERRNO.inval}))
      (call $check (call $fd_read (i32.const 0) (i32.const 6000) (i32.const 1) (i32.const 420)) (i32.const ${ERRNO.badf}))
      (call $check (call $fd_prestat_get (i32.const 3) (i32.const 100)) (i32.const ${ERRNO.badf}))
      (call $check (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 100)) (i32.const ${ERRNO.badf}))
      (call $check (call $poll_oneoff (i32.const 6000) (i32.const 6100) (i32.const 0) (i32.const 6200)) (i32.const ${ERRNO.inval}))
      (call $check (call $poll_oneoff (i32.const 65500) (i32.const 6100) (i32.const 1) (i32.const 6200)) (i32.const ${ERRNO.fault}))
      (call $check (call $poll_oneoff (i32.const 6000) (i32.const 6100) (i32.const 1025) (i32.const 6200)) (i32.const ${ERRNO.inval}))
      (call $check (call $fd_advise (i32.const 1) (i64.const 0) (i64.const 0) (i32.const 0)) (i32.const ${ERRNO.spipe}))
      (call $check (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 6000)) (i32.const ${ERRNO.badf}))
      (call $check (call $sock_accept (i32.const 1) (i32.const 0) (i32.const 6000)) (i32.const ${ERRNO.notsock}))
      (call $check (call $proc_raise (i32.const 9)) (i32.const ${ERRNO.nosys}))
      (call $proc_exit (i32.const 0))`, [TIME, RANDOM]);
    assertSurvived(log);
    assert.match(log, /wasi \(pid \d+\) exited with status 0/);
  });
});

describe("a C program built with wasi-libc (npx atoll run)", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "atoll-wasi-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints, gets its arguments, sleeps, reads a line and exits with its status, as under any WASI runtime", () => {
    const wasm = join(dir, "hello.wasm");
    const cc = spawnSync("clang", ["--target=wasm32-wasi", "-O2", "-o", wasm, "test/fixtures/wasi/hello.c"], { encoding: "utf8" });
    assert.equal(cc.status, 0, cc.stderr);
    const r = spawnSync("node", ["tools/cli/atoll.mjs", "run", wasm, "--", "a", "b c", "d"], { encoding: "utf8", input: "typed\n", timeout: 100_000 });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /hello from C, 3 arguments: a b c d\r?\n/);
    assert.match(r.stdout, /read: typed\r?\n/);
    assert.match(r.stdout, /to standard error/);
  });
});
