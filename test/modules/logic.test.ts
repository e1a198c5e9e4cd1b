// The keyboard driver's and the console's logic, compiled from their
// AssemblyScript sources with test/modules/logic.ts as the entry and run in
// Node: no kernel needed to see a scancode, an escape or an edit go wrong.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

interface Logic {
  scancodes(bytes: Uint8Array): string;
  session(typed: Uint8Array, columns: number, rows: number): string;
  render(text: string, columns: number, rows: number): string;
  colourAt(text: string, column: number): number;
  typedFor(key: number, text: string): string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
let logic: Logic;

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe("console and keyboard logic (AssemblyScript, run in Node)", function () {
  this.timeout(60_000);

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "atoll-logic-"));
    // The generated bindings are an ES module.
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    const out = join(dir, "logic.wasm");
    const asc = spawnSync(join(ROOT, "node_modules/.bin/asc"), ["test/modules/logic.ts", "-o", out, "--bindings", "esm", "--runtime", "incremental"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(asc.status, 0, asc.stderr);
    logic = (await import(pathToFileURL(out.replace(/\.wasm$/, ".js")).href)) as Logic;
  });

  describe("scancode set 1", () => {
    it("gives presses text and releases none, with shift held across keys", () => {
      // h, shift down, i, i up, shift up, 1
      assert.equal(logic.scancodes(new Uint8Array([0x23, 0xa3, 0x2a, 0x17, 0x97, 0xaa, 0x02])),
        ["23/1/0/h", "23/0/0/", "2a/1/1/", "17/1/1/I", "17/0/1/", "2a/0/0/", "2/1/0/1"].join("\n"));
    });

    it("caps lock uppercases letters only, and shift undoes it", () => {
      assert.equal(logic.scancodes(new Uint8Array([0x3a, 0xba, 0x1e, 0x02, 0x36, 0x1e])).split("\n").filter((e) => e.split("/")[1] === "1").map((e) => e.split("/")[3]).join(""),
        "A1a");
    });

    it("marks extended keys, drops the fake shifts around them, and types control characters", () => {
      assert.equal(logic.scancodes(new Uint8Array([0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa])), "e048/1/0/\ne048/0/0/");
      assert.equal(logic.scancodes(new Uint8Array([0x1d, 0x2e])).split("\n")[1], "2e/1/2/\x03");
      assert.equal(logic.scancodes(new Uint8Array([0xe0, 0x1c])), "e01c/1/0/\n");
    });
  });

  describe("line editing over the serial port", () => {
    it("reads lines ended by CR, LF or CR LF, once each", () => {
      assert.equal(logic.session(bytes("ls\r\nps\nid\r"), 20, 4).split("\n")[0], "ls|ps|id");
    });

    it("edits with backspace, the arrows, home, end and delete", () => {
      // "wrld", left x3, "o" -> "world"; home, delete -> "orld"; end, "!" ; DEL erases it
      const typed = "wrld\x1b[D\x1b[D\x1b[Do\x1b[H\x1b[3~\x1b[F!\x7f\r";
      assert.equal(logic.session(bytes(typed), 30, 4).split("\n")[0], "orld");
    });

    it("recalls earlier lines with up and down, keeping the line being typed", () => {
      const typed = "one\rtwo\r\x1b[A\x1b[A\r" + "thr\x1b[A\x1b[Bee\r";
      assert.equal(logic.session(bytes(typed), 30, 8).split("\n")[0], "one|two|one|three");
    });

    it("abandons the line on control-C and takes UTF-8", () => {
      assert.equal(logic.session(bytes("oops\x03caf\u00e9 \u2192 ok\r"), 30, 6).split("\n")[0], "|caf\u00e9 \u2192 ok");
    });

    it("shows the line as typed, with the prompt", () => {
      const screen = logic.session(bytes("echo hi\r"), 20, 3).split("\n").slice(1);
      assert.deepEqual(screen, ["> echo hi", ">", ""]);
    });
  });

  describe("the terminal", () => {
    it("wraps long lines and scrolls at the bottom", () => {
      assert.equal(logic.render("abcdefgh\n1\n2", 5, 3), "fgh\n1\n2\n@2,1");
    });

    it("follows clear, move, erase-to-end and cursor escapes", () => {
      assert.equal(logic.render("hello\nworld\x1b[2J\x1b[2;3Hab\x1b[1Dc", 8, 3), "\n  ac\n\n@1,4");
      assert.equal(logic.render("abcdef\r\x1b[2C\x1b[K", 8, 2), "ab\n\n@0,2");
    });

    it("sets colours with SGR and resets them", () => {
      assert.equal(logic.colourAt("\x1b[1;31;44mX", 0), (1 << 4) | 12);
      assert.equal(logic.colourAt("\x1b[31mX\x1b[0mY", 1), 7);
    });

    it("gives readKey the escapes a terminal would send", () => {
      assert.equal(logic.typedFor(0xe048, ""), "\x1b[A");
      assert.equal(logic.typedFor(0xe04b, ""), "\x1b[D");
      assert.equal(logic.typedFor(0x1c, "\n"), "\n");
      assert.equal(logic.typedFor(0x10, "q"), "q");
      assert.equal(logic.typedFor(0x3a, ""), "(none)");
    });
  });
});
