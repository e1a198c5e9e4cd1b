// Shared setup of the engine tests: build the hosted engine once, and
// assemble test modules from the text format with wabt.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import wabtInit from "wabt";

const wabt = await wabtInit();
let built = false;

export function buildEngine(): void {
  if (built) return;
  execFileSync("make", ["-s", "-f", "kernel/wasm/engine.mk", "engine"], {
    stdio: "inherit",
    cwd: resolve(import.meta.dirname, "../.."),
  });
  built = true;
}

/** Assembles a module in the text format; names are kept in the name section. */
export function wat(source: string, features: Record<string, boolean> = {}): Uint8Array {
  const parsed = wabt.parseWat("test.wat", source, features);
  try {
    parsed.resolveNames();
    parsed.validate();
    return parsed.toBinary({ write_debug_names: true }).buffer;
  } finally {
    parsed.destroy();
  }
}
