// A person's session, end to end in QEMU: the machine boots to the shell on
// the console, keys typed through QEMU's monitor (the PS/2 keyboard) run
// commands, and the serial log (where the console mirrors the screen) shows
// what they printed. The session ends with `poweroff`.
import assert from "node:assert/strict";
import { withoutLogLines } from "../../tools/hosted/output.ts";
import { boot, DEFAULT_MACHINE, keysFor, TypedInput } from "../../tools/qemu/launch.ts";

const TIMEOUT = 120_000;
// A fresh prompt starts a line; the line editor's redraws start with a bare carriage return.
const PROMPT = /\r\natoll> /;
const LEFT = "left";
const UP = "up";

/** One command typed at a fresh prompt. */
function command(text: string): TypedInput {
  return { after: PROMPT, keys: keysFor(text + "\n") };
}

/**
 * The output of the command typed at a prompt: what comes after its echo up
 * to the next prompt. A kernel log line may have broken the prompt's line.
 */
function outputOf(serial: string, line: string): string {
  const echo = new RegExp(`atoll> \n?${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n`).exec(serial);
  assert.ok(echo, `the command '${line}' was echoed:\n${serial}`);
  const from = echo.index + echo[0].length;
  return serial.slice(from, serial.indexOf("atoll> ", from));
}

describe("a shell session in QEMU (integration)", function () {
  this.timeout(TIMEOUT * 2);
  let serial = "";
  let status: number | null = null;

  before(async () => {
    const session: TypedInput[] = [
      command("ps"),
      command("run hello"),
      command("run hello-c"),
      command("run hello to you"),
      command("top"),
      { after: /top - up/, keys: ["q"] },
      command("run spinner"),
      { after: /run spinner\r\n/, keys: ["ctrl-c"] },
      command("lspci"),
      command("mem"),
      command("uptime"),
      command("interfaces"),
      command("grants 1"),
      command("frobnicate"),
      command("kill"),
      command("kill 999"),
      // Line editing: the missing letter goes in three places from the end; up recalls the line.
      { after: PROMPT, keys: [...keysFor("echo wrld"), LEFT, LEFT, LEFT, ...keysFor("o\n")] },
      { after: PROMPT, keys: [UP, ...keysFor("\n")] },
      command("poweroff"),
    ];
    // 6 GiB: `mem` shows RAM above 4 GiB and the kernel using it.
    const machine = { ...DEFAULT_MACHINE, memory: "6G", extra: ["-device", "e1000", "-trace", "qemu_system_shutdown_request"] };
    const r = await boot(machine, TIMEOUT, undefined, session);
    // Kernel log lines land wherever they happen to; the session is what is left.
    serial = withoutLogLines(r.serial);
    status = r.status;
    assert.equal(r.timedOut, false, `the session ended by itself:\n${serial}`);
  });

  it("boots to the shell's prompt on the console", () => {
    assert.match(serial, /Atoll shell\. Type help for the commands\.\natoll> /);
  });

  it("ps lists the processes with their CIDs", () => {
    const ps = outputOf(serial, "ps");
    assert.match(ps, /PID\s+NAME\s+STATE\s+MEMORY\s+FUEL\s+CID/);
    for (const name of ["logger", "console", "shell", "ps2-keyboard"]) assert.match(ps, new RegExp(`\\d+\\s+${name}\\s+(run|wait)\\s+\\d+ [KM]iB\\s+\\d+\\s+bafkrei`));
  });

  it("runs programs in AssemblyScript and in C, with arguments, and they print on the console", () => {
    assert.equal(outputOf(serial, "run hello"), "Hello from Atoll!\n");
    assert.equal(outputOf(serial, "run hello-c"), "Hello from C on Atoll!\n");
    assert.equal(outputOf(serial, "run hello to you"), "Hello from Atoll! to you\n");
  });

  it("top shows the processes live and quits on q", () => {
    const top = outputOf(serial, "top");
    assert.match(top, /top - up 0:00:\d\d\.\d{3}, \d+ processes, memory \d+ [KM]iB of \d+ MiB used/);
    assert.match(top, /PID\s+NAME\s+STATE\s+MEMORY\s+CPU/);
    assert.match(top, /\d+\s+top\s+run\s+\d+ KiB\s+\d+\.\d%/);
  });

  it("Control-C ends the program the shell waits for", () => {
    assert.equal(outputOf(serial, "run spinner"), "^C spinner: interrupted\n");
  });

  it("lspci names the e1000 QEMU was started with", () => {
    assert.match(outputOf(serial, "lspci"), /8086:100e .*82540EM/);
  });

  it("mem, uptime, interfaces and grants answer", () => {
    const mem = outputOf(serial, "mem");
    const physical = /physical\s+(\d+) MiB\s+\d+ [KM]iB\s+\d+ MiB/.exec(mem);
    assert.ok(physical && Number(physical[1]) > 4096, `more than 4 GiB of RAM in:\n${mem}`);
    const high = /above 4 GiB\s+(\d+) MiB\s+(\d+) (?:[KM]iB|B)\s+\d+ MiB/.exec(mem);
    assert.ok(high && Number(high[1]) >= 2048, `the RAM above 4 GiB in:\n${mem}`);
    assert.ok(Number(high[2]) > 0, "the kernel uses RAM above 4 GiB (its heap, for the modules)");
    assert.match(outputOf(serial, "uptime"), /up 0:00:\d\d\.\d{3}/);
    const interfaces = outputOf(serial, "interfaces");
    assert.match(interfaces, /console\s+\d+ console\s+[0-9a-f]{64}/);
    assert.match(interfaces, /process\s+kernel\s+[0-9a-f]{64}/);
    assert.match(outputOf(serial, "grants 1"), /kernel-log/);
  });

  it("unknown commands and bad arguments get a clear message", () => {
    assert.match(outputOf(serial, "frobnicate"), /frobnicate: unknown command; type help for the list/);
    assert.match(outputOf(serial, "kill"), /usage: kill <pid>/);
    assert.match(outputOf(serial, "kill 999"), /error: no process 999/);
  });

  it("edits the line and recalls it from the history", () => {
    const echoed = serial.split("\n").filter((l) => l === "world");
    assert.equal(echoed.length, 2, serial);
  });

  it("poweroff turns the machine off", () => {
    assert.match(serial, /qemu_system_shutdown_request reason=6/);
    assert.equal(status, 0);
  });
});
