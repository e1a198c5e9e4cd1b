import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { newMachine, Machine } from "../harness/machine.ts";
import { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";
import { SMALL_PC } from "../harness/boots.ts";

const VGA = 0xb8000;
const FB = 0xfd000000;
const FONT = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz";

function textRow(m: Machine, row: number, columns = 80): string {
  let text = "";
  for (let c = 0; c < columns; c++) text += String.fromCharCode(m.memory.readByte(VGA + (row * columns + c) * 2));
  return text.trimEnd();
}

function attribute(m: Machine, row: number, column: number): number {
  return m.memory.readByte(VGA + (row * 80 + column) * 2 + 1);
}

/** The font's bitmap for `c`, found through its PSF1 Unicode table. */
function glyphRows(c: number): number[] {
  const psf = gunzipSync(readFileSync(FONT));
  const height = psf[3];
  const count = psf[2] & 1 ? 512 : 256;
  let at = 4 + count * height;
  for (let glyph = 0; glyph < count; glyph++) {
    for (let v = psf.readUInt16LE(at); v !== 0xffff; v = psf.readUInt16LE(at)) {
      if (v === c) return [...psf.subarray(4 + glyph * height, 4 + (glyph + 1) * height)];
      at += 2;
    }
    at += 2;
  }
  throw new Error(`glyph for ${c} not in font`);
}

describe("console (hosted)", () => {
  it("writes the banner into VGA text memory in cyan and log lines in grey", async () => {
    const m = await newMachine();
    m.boot(new BootInfoBuilder().memoryMap(SMALL_PC).framebufferText(VGA, 80, 25).build());
    assert.match(textRow(m, 0), /^Atoll \d+\.\d+\.\d+ - an operating system where every program is WebAssembly$/);
    assert.equal(attribute(m, 0, 0), 0x0b, "banner is light cyan");
    assert.match(textRow(m, 1), /^\[ +\d+\.\d{6}\] info  boot loader: unknown \(BIOS\)$/);
    assert.equal(attribute(m, 1, 0), 0x07, "info is light grey");
  });

  it("scrolls when the screen is full and keeps the newest line at the bottom", async () => {
    const m = await newMachine();
    const many = Array.from({ length: 30 }, (_, i) => ({ base: 0x2000000 + i * 0x100000, length: 0x80000, type: 2 }));
    m.boot(new BootInfoBuilder().commandLine("log=debug").memoryMap([...SMALL_PC, ...many]).framebufferText(VGA, 80, 25).build());
    const lines = m.serial.trimEnd().split("\r\n");
    assert.ok(lines.length > 25, "enough output to scroll");
    assert.match(textRow(m, 23), /info  idle$/);
    assert.equal(textRow(m, 24), "", "cursor row is blank after the final newline");
    assert.equal(textRow(m, 22), lines[lines.length - 2].slice(0, 80).trimEnd());
    assert.doesNotMatch(textRow(m, 0), /^Atoll/, "banner scrolled away");
  });

  it("colours warnings yellow", async () => {
    const m = await newMachine();
    m.boot(new BootInfoBuilder().commandLine("log=loud").memoryMap(SMALL_PC).framebufferText(VGA, 80, 25).build());
    let row = 0;
    while (row < 25 && !textRow(m, row).includes("unknown log level")) row++;
    assert.ok(row < 25, "warning on screen");
    assert.equal(attribute(m, row, 0), 0x0e);
  });

  it("draws text on a 32-bit framebuffer with the embedded PSF font", async () => {
    const m = await newMachine();
    const width = 640;
    m.boot(new BootInfoBuilder().memoryMap(SMALL_PC).framebufferRgb(FB, width, 480).efi64().build());
    assert.match(m.serial, /screen: framebuffer 640x480x32 at 0xfd000000, 80x30 cells/);
    const rows = glyphRows("A".charCodeAt(0));
    const cyan = 0x55ffff;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 8; x++) {
        const pixel = Number(m.memory.readUint(FB + y * width * 4 + x * 4, 4));
        const on = (rows[y] >> (7 - x)) & 1;
        assert.equal(pixel, on ? cyan : 0, `pixel (${x},${y}) of 'A'`);
      }
    }
  });

  it("draws 24-bit pixels in the channel order the tag gives", async () => {
    const m = await newMachine();
    m.boot(new BootInfoBuilder().memoryMap(SMALL_PC).framebufferRgb(FB, 800, 600, 24).efi64().build());
    assert.match(m.serial, /framebuffer 800x600x24 .* 100x37 cells/);
    const rows = glyphRows("A".charCodeAt(0));
    const y = rows.findIndex((r) => r !== 0);
    const x = Math.clz32(rows[y]) - 24;
    const at = FB + y * 800 * 3 + x * 3;
    assert.deepEqual([...m.memory.read(at, 3)], [0xff, 0xff, 0x55], "cyan as B, G, R bytes");
  });

  it("falls back to serial only for a UEFI boot without a framebuffer or with a broken one", async () => {
    const none = await newMachine();
    none.boot(new BootInfoBuilder().memoryMap(SMALL_PC).efi64().build());
    assert.match(none.serial, /screen: no screen: UEFI boot without a framebuffer/);
    const broken = await newMachine();
    broken.boot(new BootInfoBuilder().memoryMap(SMALL_PC).framebufferRgb(0xfffff000, 1024, 768).efi64().build());
    assert.match(broken.serial, /framebuffer ignored: memory at 0xfffff000 is outside the first 4 GiB/);
    assert.match(broken.serial, /ready in/);
  });
});
