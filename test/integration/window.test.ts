// The way a desktop user starts Atoll: `npm run qemu` with a display opens
// a QEMU window (GTK, Debian's qemu-system-gui). Here the display is a
// virtual X server (Xvfb); the launcher runs as npm runs it, the serial
// port (on its standard output in window mode) shows when the shell's
// prompt is up, and then the window must be mapped and show something: the
// X screen is grabbed (xwd) and kept as out/window-bios.ppm.
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { coloursIn, readXwd, toPpm } from "../../tools/qemu/xwd.ts";
import { OUT } from "../../tools/qemu/launch.ts";

const TIMEOUT = 180_000;
const PROMPT = /\r?\natoll> /;

/** The program, or a failure naming the Debian package that has it. */
function need(program: string, args: string[], pkg: string): void {
  const r = spawnSync(program, args, { stdio: "ignore" });
  if (r.error) assert.fail(`${program} not found: install the Debian package ${pkg} (scripts/install-deps.sh does)`);
}

/** Resolves with the first text `child`'s standard output collects that matches `pattern`. */
function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  let seen = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      if (pattern.test(seen)) resolve(seen);
    });
    child.on("close", (code) => reject(new Error(`${what}: the program ended (status ${code}) first:\n${seen}`)));
  });
}

// Its own process group, so what it starts (QEMU under tsx) ends with it.
function stop(child: ChildProcess | null): void {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
}

interface WindowPlace {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the mapped top-level window named "QEMU…" is on `display`, or null. */
function qemuWindow(display: string): WindowPlace | null {
  const tree = spawnSync("xwininfo", ["-display", display, "-root", "-tree"], { encoding: "utf8" }).stdout;
  for (const m of tree.matchAll(/^\s+(0x[0-9a-f]+) "QEMU[^"]*":.*$/gm)) {
    const info = spawnSync("xwininfo", ["-display", display, "-id", m[1]], { encoding: "utf8" }).stdout;
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(-?\\d+)`).exec(info)?.[1]);
    if (/Map State: IsViewable/.test(info)) {
      return { x: field("Absolute upper-left X"), y: field("Absolute upper-left Y"), width: field("Width"), height: field("Height") };
    }
  }
  return null;
}

describe("npm run qemu in a window, on a virtual X display (integration)", function () {
  this.timeout(TIMEOUT);
  let xvfb: ChildProcess | null = null;
  let qemu: ChildProcess | null = null;

  after(() => {
    stop(qemu);
    stop(xvfb);
  });

  it("opens the QEMU window, which shows the console once the shell's prompt is up", async () => {
    need("Xvfb", ["-help"], "xvfb");
    need("xwininfo", ["-version"], "x11-utils");
    need("xwd", ["-help"], "x11-apps");
    // -displayfd: Xvfb picks a free display and names it once it accepts clients.
    xvfb = spawn("Xvfb", ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const display = `:${(await waitForOutput(xvfb, /^\d+\n/, "Xvfb")).trim()}`;
    qemu = spawn("node_modules/.bin/tsx", ["tools/commands/qemu.ts"], {
      detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DISPLAY: display, WAYLAND_DISPLAY: "" },
    });
    let problems = "";
    qemu.stderr!.on("data", (chunk: Buffer) => (problems += chunk.toString()));
    await waitForOutput(qemu, PROMPT, "the shell's prompt on the serial port").catch((e: Error) => assert.fail(`${e.message}\n${problems}`));
    const place = qemuWindow(display);
    assert.ok(place, `a mapped QEMU window on ${display}:\n${problems}`);
    assert.ok(place.width >= 640 && place.height >= 400, `the window is the size of the screen it shows: ${JSON.stringify(place)}`);
    const grab = spawnSync("xwd", ["-display", display, "-root", "-silent"], { maxBuffer: 64 << 20 });
    assert.equal(grab.status, 0, grab.stderr?.toString());
    const picture = readXwd(grab.stdout);
    writeFileSync(`${OUT}/window-bios.ppm`, toPpm(picture));
    assert.ok(coloursIn(picture, place.x, place.y, place.width, place.height) >= 3, "the window shows text, not one colour");
  });
});
