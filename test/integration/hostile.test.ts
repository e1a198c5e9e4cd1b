// Hostile modules on the booted kernel in QEMU, not only on the hosted one:
// an image with the default programs plus some of the chaos run's attackers
// (test/harness/chaos.ts) started at boot — a flood of 60,000-byte messages
// at a handler that never reads and at an interface nobody handles, a fork
// bomb against the process limit, and a module filling 64 KiB for ever.
// Once the flood and the bomb have been refused, the shell must still
// answer commands typed at it and the kernel must not have panicked.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configLine, HOSTILE } from "../harness/chaos.ts";
import { buildIso } from "../../tools/build/mkiso.ts";
import { withoutLogLines } from "../../tools/hosted/output.ts";
import { boot, DEFAULT_MACHINE, keysFor, OUT, TypedInput } from "../../tools/qemu/launch.ts";

const TIMEOUT = 600_000;
const ATTACKERS = ["deaf", "flooder", "bomb", "filler"];
const PROMPT = /\r\natoll> /;

/** The build's ISO with the attackers added to its modules and started by its configuration. */
async function hostileIso(dir: string): Promise<string> {
  const out = join(dir, "out");
  mkdirSync(join(out, "modules"), { recursive: true });
  for (const f of ["atoll.elf", "atoll.sym"]) copyFileSync(join(OUT, f), join(out, f));
  for (const f of readdirSync(join(OUT, "modules")).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(OUT, "modules", f), join(out, "modules", f));
  const lines = [readFileSync(join(OUT, "atoll.conf"), "utf8").trimEnd()];
  for (const name of ATTACKERS) {
    const h = HOSTILE.find((m) => m.name === name)!;
    writeFileSync(join(out, "modules", `${name}.wasm`), h.bytes);
    lines.push(await configLine("run", h));
  }
  writeFileSync(join(out, "atoll.conf"), lines.join("\n") + "\n");
  const iso = join(dir, "hostile.iso");
  buildIso(join(out, "atoll.elf"), join(out, "atoll.sym"), iso, "");
  return iso;
}

/** Matches once every one of `patterns` is in the text, in any order. */
const allOf = (patterns: string[]) => new RegExp(`^${patterns.map((p) => `(?=[\\s\\S]*${p})`).join("")}`);

describe("hostile modules on the booted kernel in QEMU (integration)", function () {
  this.timeout(TIMEOUT + 60_000);
  let dir = "";
  let serial = "";
  let shell = "";
  let status: number | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "atoll-hostile-"));
    const iso = await hostileIso(dir);
    const session: TypedInput[] = [
      { after: allOf(["flooder: flood refused", "bomb: (too many processes|at most 64 live)", "atoll> "]), keys: keysFor("ps\n") },
      { after: PROMPT, keys: keysFor("poweroff\n") },
    ];
    const r = await boot({ ...DEFAULT_MACHINE, iso, extra: ["-trace", "qemu_system_shutdown_request"] }, TIMEOUT, undefined, session);
    serial = r.serial;
    shell = withoutLogLines(r.serial);
    status = r.status;
    assert.equal(r.timedOut, false, `the session ended by itself:\n${serial}`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses the flood and the fork bomb without a panic", () => {
    assert.doesNotMatch(serial, /KERNEL PANIC/);
    assert.match(serial, /flooder: flood refused/);
    assert.match(serial, /bomb: (too many processes \(256\)|at most 64 live processes started by one process)/);
    assert.doesNotMatch(serial, /(flooder|deaf|filler) \(pid \d+\) ended/);
  });

  it("still answers at the shell, with the filler still running", () => {
    // Kernel log lines (the bomb's) may land between the echoed letters, so
    // the table is looked for after the first prompt rather than after "ps".
    const prompt = shell.indexOf("atoll> ");
    assert.ok(prompt >= 0, `no prompt:\n${shell}`);
    const ps = shell.slice(prompt);
    assert.match(ps, /PID\s+NAME\s+STATE/);
    assert.match(ps, /\d+\s+filler\s+(run|wait)\s/);
    assert.match(ps, /\d+\s+shell\s+(run|wait)\s/);
  });

  it("powers off when asked", () => {
    assert.match(serial, /qemu_system_shutdown_request reason=6/);
    assert.equal(status, 0);
  });
});
