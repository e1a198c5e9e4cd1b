// Boots the ISO headless, waits for a line on the serial console, types
// shell commands if asked, and saves what the screen shows as a PNG (QEMU's
// screendump, converted here).
// Usage: tsx tools/commands/screenshot.ts <output.png> [--uefi] [--until REGEX] [--type LINE]... [kernel command line...]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { DEFAULT_MACHINE, keysFor, Monitor, qemuArgs, requireQemu } from "../qemu/launch.ts";

const USAGE = "usage: screenshot.ts <output.png> [--uefi] [--until REGEX] [--type LINE]... [kernel command line...]";
const PROMPT = /\r\natoll> $/;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Binary PPM (P6, maxval 255) to PNG: RGB, 8 bits, no filtering. */
export function ppmToPng(ppm: Buffer): Buffer {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString("latin1"));
  if (!header) throw new Error("not a binary PPM with maxval 255");
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(header[0].length);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const output = argv.shift();
  if (!output || output.startsWith("-")) throw new Error(USAGE);
  const opts = { ...DEFAULT_MACHINE, cmdline: [] as string[] };
  let until = /info {2}idle/;
  const lines: string[] = [];
  while (argv.length > 0) {
    const a = argv.shift()!;
    if (a === "--uefi") opts.uefi = true;
    else if (a === "--until") until = new RegExp(argv.shift() ?? "");
    else if (a === "--type") lines.push(argv.shift() ?? "");
    else if (a.startsWith("-")) throw new Error(`unknown option: ${a}`);
    else opts.cmdline.push(a);
  }
  requireQemu();
  const dir = mkdtempSync(join(tmpdir(), "atoll-shot-"));
  const monitor = join(dir, "monitor.sock");
  const ppm = join(dir, "screen.ppm");
  const child = spawn("qemu-system-x86_64", [...qemuArgs(opts, "none", "stdio"), "-monitor", `unix:${monitor},server,nowait`], { stdio: ["ignore", "pipe", "inherit"] });
  let serial = "";
  let ended = false;
  const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d: string) => (serial += d));
  child.on("close", () => (ended = true));
  const waitFor = async (done: () => boolean, what: string) => {
    while (!done()) {
      if (ended) throw new Error(`QEMU ended before ${what}`);
      await pause(100);
    }
  };
  try {
    await waitFor(() => until.test(serial), `the serial log matched ${until}`);
    const connection = new Monitor(monitor);
    for (const line of lines) {
      const mark = serial.length;
      connection.type(keysFor(line + "\n"));
      await waitFor(() => PROMPT.test(serial.slice(mark)), `'${line}' finished`);
    }
    connection.send(`screendump ${ppm}`);
    await waitFor(() => existsSync(ppm) && readFileSync(ppm).length > 0, "the screen was saved");
    connection.close();
    await pause(300);
    writeFileSync(output, ppmToPng(readFileSync(ppm)));
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`wrote ${output}`);
}

main().catch((e) => {
  console.error(`screenshot: ${(e as Error).message}`);
  process.exit(1);
});
