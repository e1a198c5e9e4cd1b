// Small modules written in the Wasm text format (compiled with Debian's
// wat2wasm) that speak the system calls directly: the hosted tests and the
// IPC benchmark are made of them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDefinitions } from "../interfaces/catalog.ts";
import { fixedOffsets } from "../interfaces/definition.ts";
import { interfaceHashHex } from "../interfaces/hash.ts";

export function interfaceHash(name: string): string {
  const def = loadDefinitions().find((d) => d.name === name);
  if (!def) throw new Error(`no interface '${name}' in interfaces/`);
  return interfaceHashHex(def);
}

/** Where programs read notifications: wait()'s buffer. */
export const WAIT_BUFFER = 4096;

function notificationLayout() {
  const def = loadDefinitions().find((d) => d.name === "notification")!;
  const message = (name: string) => def.messages.find((m) => m.name === name)!;
  const at = (name: string, field: string) => WAIT_BUFFER + fixedOffsets(message(name).fields).get(field)!;
  return {
    kind: { answer: message("answer").ordinal, incoming: message("incoming").ordinal, destroyed: message("destroyed").ordinal },
    at: {
      answerId: at("answer", "id"),
      answerError: at("answer", "error"),
      answerLength: at("answer", "payload"),
      answerData: at("answer", "payload") + 4,
      incomingId: at("incoming", "id"),
      incomingLength: at("incoming", "payload"),
      incomingData: at("incoming", "payload") + 4,
      destroyedPid: at("destroyed", "pid"),
    },
  };
}

/**
 * The notification layout from interfaces/notification.interface, as
 * addresses in a program's wait buffer and kind bytes.
 */
export const NOTIFICATION = notificationLayout();

/** A made-up interface for tests: any 32 bytes name an interface. */
export function testInterface(name: string): string {
  return Buffer.from(name.padEnd(32, ".")).toString("hex");
}

function dataString(hex: string): string {
  return hex.replace(/../g, (b) => `\\${b}`);
}

export function wat2wasm(text: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "atoll-wat-"));
  try {
    writeFileSync(join(dir, "m.wat"), text);
    execFileSync("/usr/bin/wat2wasm", ["--enable-all", join(dir, "m.wat"), "-o", join(dir, "m.wasm")], { stdio: ["ignore", "ignore", "pipe"] });
    return new Uint8Array(readFileSync(join(dir, "m.wasm")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A module with the system calls imported and small helpers:
 * $log(ptr, len) writes a line to kernel-log; $call(iface, ptr, len, flags)
 * sends one buffer (message id at 96); $await returns the status byte of the
 * answer to that id; $register(iface) registers or traps; $expect(got, want)
 * traps on a mismatch. Memory: 0 kernel-log hash, 32 registry hash, 64 the
 * `target` interface hash, `hashes` at the offsets given, 4096 the wait
 * buffer, 8192 strings. `fields` adds module-level fields (a start function,
 * say).
 */
export function program(target: string, body: string, hashes: Record<number, string> = {}, fields = ""): Uint8Array {
  const strings: string[] = [];
  let next = 8192;
  const withStrings = body.replace(/\$str\("([^"]*)"\)/g, (_, text: string) => {
    strings.push(`(data (i32.const ${next}) "${text}")`);
    const operands = `(i32.const ${next}) (i32.const ${Buffer.byteLength(text)})`;
    next += Buffer.byteLength(text) + 1;
    return operands;
  });
  return wat2wasm(`(module
  (import "atoll" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "atoll" "answer" (func $answer (param i64 i32 i32 i32) (result i32)))
  (import "atoll" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (import "atoll" "cancel" (func $cancel (param i64) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "${dataString(interfaceHash("kernel-log"))}")
  (data (i32.const 32) "${dataString(interfaceHash("registry"))}")
  (data (i32.const 64) "${dataString(target)}")
  ${Object.entries(hashes).map(([at, hex]) => `(data (i32.const ${at}) "${dataString(hex)}")`).join("\n  ")}
  ${strings.join("\n  ")}
  (func $log (param $ptr i32) (param $len i32)
    (i32.store8 (i32.const 256) (i32.const 0))
    (i32.store8 (i32.const 257) (i32.const 1))
    (i32.store (i32.const 258) (local.get $len))
    (i32.store (i32.const 104) (i32.const 256))
    (i32.store (i32.const 108) (i32.const 6))
    (i32.store (i32.const 112) (local.get $ptr))
    (i32.store (i32.const 116) (local.get $len))
    (drop (call $send (i32.const 0) (i32.const 104) (i32.const 2) (i32.const 0) (i32.const 96))))
  (func $call (param $iface i32) (param $ptr i32) (param $len i32) (param $flags i32) (result i32)
    (i32.store (i32.const 104) (local.get $ptr))
    (i32.store (i32.const 108) (local.get $len))
    (call $send (local.get $iface) (i32.const 104) (i32.const 1) (local.get $flags) (i32.const 96)))
  (func $await (result i32)
    (call $expect (i32.gt_s (call $wait (i32.const 96) (i32.const 1) (i32.const 1) (i32.const 4096) (i32.const 4096)) (i32.const 0)) (i32.const 1))
    (i32.load8_u (i32.const ${NOTIFICATION.at.answerError})))
  (func $register (param $iface i32)
    (i32.store8 (i32.const 300) (i32.const 0))
    (memory.copy (i32.const 301) (local.get $iface) (i32.const 32))
    (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0)))
  (func $expect (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
  ${fields}
  (func (export "_start") ${withStrings}))`);
}
