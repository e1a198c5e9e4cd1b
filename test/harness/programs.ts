// Test programs for the hosted kernel: modules written in the text format
// (compiled with Debian's wat2wasm), a boot configuration naming them by CID,
// and the multiboot2 modules that carry them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cidOf } from "../../tools/identity.ts";
import { loadDefinitions } from "../../tools/interfaces/catalog.ts";
import { interfaceHashHex } from "../../tools/interfaces/hash.ts";
import { BootInfoBuilder } from "./multiboot2.ts";
import { SMALL_PC } from "./boots.ts";

export function interfaceHash(name: string): string {
  const def = loadDefinitions().find((d) => d.name === name);
  if (!def) throw new Error(`no interface '${name}' in interfaces/`);
  return interfaceHashHex(def);
}

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
 * buffer, 8192 strings.
 */
export function program(target: string, body: string, hashes: Record<number, string> = {}): Uint8Array {
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
    (i32.load8_u (i32.const 4097)))
  (func $register (param $iface i32)
    (i32.store8 (i32.const 300) (i32.const 0))
    (memory.copy (i32.const 301) (local.get $iface) (i32.const 32))
    (call $expect (call $call (i32.const 32) (i32.const 300) (i32.const 33) (i32.const 1)) (i32.const 0))
    (call $expect (call $await) (i32.const 0)))
  (func $expect (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
  (func (export "_start") ${withStrings}))`);
}

export interface BootProgram {
  name: string;
  bytes: Uint8Array;
  grants: string[];
  /** Listed as a boot module but not started by the configuration. */
  notStarted?: boolean;
  /** Named in the configuration under another CID than its bytes have. */
  cidOverride?: string;
}

/** Boot information carrying `programs` and a configuration that starts them. */
export async function bootWithPrograms(programs: BootProgram[], extraConfig = "", cmdline = ""): Promise<{ info: Uint8Array; modules: { at: number; bytes: Uint8Array }[] }> {
  const info = new BootInfoBuilder().commandLine(cmdline).memoryMap(SMALL_PC);
  const modules: { at: number; bytes: Uint8Array }[] = [];
  let at = 0x1000000;
  const place = (bytes: Uint8Array, name: string) => {
    modules.push({ at, bytes });
    info.module(at, at + bytes.length, name);
    at += (bytes.length + 0xfff) & ~0xfff;
  };
  const lines: string[] = [];
  for (const p of programs) {
    place(p.bytes, p.name);
    if (p.notStarted) continue;
    const grants = p.grants.length > 0 ? ` grant=${p.grants.join(",")}` : "";
    lines.push(`run ${p.cidOverride ?? (await cidOf(p.bytes))} name=${p.name}${grants}`);
  }
  place(new Uint8Array(Buffer.from(lines.join("\n") + "\n" + extraConfig)), "config");
  return { info: info.build(), modules };
}
