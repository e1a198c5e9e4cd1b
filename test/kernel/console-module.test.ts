// The console module on the simulated PC with the image's own boot
// configuration: what is typed on the serial port reaches the shell, and
// the session is drawn on the screen the kernel handed over, in VGA text
// memory or in framebuffer pixels.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { newMachine, Machine } from "../harness/machine.ts";
import { runPrograms } from "../harness/programs.ts";
import { replies, scriptProgram } from "../harness/script.ts";
import { interfaceHash } from "../../tools/hosted/programs.ts";
import { placeImageModules, smallPc, smallPcWithoutRsdp, typeOnSerial, vgaRows } from "../harness/boots.ts";
import type { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";

const FRAMEBUFFER = 0xfd000000;
const WIDTH = 640;
const HEIGHT = 480;
// The console's font (Terminus) is 8 x 16.
const CELL_WIDTH = 8;
const CELL_HEIGHT = 16;

async function session(info: BootInfoBuilder, lines: string[]): Promise<Machine> {
  const m = await newMachine();
  placeImageModules(m, info);
  typeOnSerial(m, lines);
  assert.equal(m.boot(info.build()), "halt");
  assert.doesNotMatch(m.serial, /trapped|cannot start/);
  return m;
}

/** Per text row of the framebuffer, which cells have ink: "#" for a cell with lit pixels, " " for none. */
function inkRows(m: Machine): string[] {
  const pixels = m.memory.read(FRAMEBUFFER, WIDTH * HEIGHT * 4);
  const rows: string[] = [];
  for (let r = 0; r < HEIGHT / CELL_HEIGHT; r++) {
    let row = "";
    for (let c = 0; c < WIDTH / CELL_WIDTH; c++) {
      let lit = false;
      for (let y = 0; y < CELL_HEIGHT && !lit; y++) {
        for (let x = 0; x < CELL_WIDTH && !lit; x++) {
          const at = ((r * CELL_HEIGHT + y) * WIDTH + c * CELL_WIDTH + x) * 4;
          lit = pixels[at] + pixels[at + 1] + pixels[at + 2] !== 0;
        }
      }
      row += lit ? "#" : " ";
    }
    rows.push(row.trimEnd());
  }
  return rows;
}

const ink = (text: string) => text.replace(/\S/g, "#");
const OUT = new URL("../../out/", import.meta.url).pathname;
const CONSOLE_GRANTS = ["registry", "display", "hardware", "kernel-log", "keyboard", "log"].map(interfaceHash);

describe("the console module (hosted)", function () {
  this.timeout(120_000);

  it("takes VGA text from the kernel and shows the shell session there, with the kernel's recent log above it", async () => {
    const m = await session(smallPc(), ["echo hi there\r", "run hello-c\r"]);
    assert.match(m.serial, /display: process \d+ \(console\) owns the screen/);
    const rows = vgaRows(m);
    const prompt = rows.indexOf("atoll> echo hi there");
    assert.ok(prompt > 0, rows.join("\n"));
    assert.deepEqual(rows.slice(prompt, prompt + 4), ["atoll> echo hi there", "hi there", "atoll> run hello-c", "Hello from C on Atoll!"]);
    assert.ok(rows.slice(0, prompt).some((r) => /started process \d+ \(shell\)/.test(r)), "the kernel's recent lines are shown first");
    assert.doesNotMatch(rows.join("\n"), /idle, waiting|hello-c \(pid \d+\) exited/, "the kernel's later lines stay off the screen");
  });

  it("draws the session in framebuffer pixels when the boot loader gave a framebuffer", async () => {
    const info = smallPcWithoutRsdp().rsdp(2).framebufferRgb(FRAMEBUFFER, WIDTH, HEIGHT, 32);
    const m = await session(info, ["echo hi there\r"]);
    const rows = inkRows(m);
    const prompt = rows.indexOf(ink("atoll> echo hi there"));
    assert.ok(prompt >= 0, rows.join("\n"));
    assert.equal(rows[prompt + 1], ink("hi there"));
    // The cursor: a lit cell after the next prompt.
    assert.equal(rows[prompt + 2], ink("atoll>") + " #");
  });

  it("answers writes and size, and refuses malformed messages with the reason", async () => {
    const client = scriptProgram([
      { iface: "console", message: "write", values: ["from a script\n"], allowDelay: true },
      { iface: "console", message: "size" },
      { iface: "console", message: "write", raw: new Uint8Array([0]) },
      { iface: "console", message: "readLine", raw: new Uint8Array([1, 200, 0, 0, 0]) },
      { iface: "console", message: "size", raw: new Uint8Array([0xff]) },
    ]);
    const m = await newMachine();
    // The console waits for serial input that never comes: the run ends there.
    m.readSerialInput = () => null;
    const consoleModule = new Uint8Array(readFileSync(`${OUT}/modules/console.wasm`));
    assert.equal(await runPrograms(m, [
      { name: "console", bytes: consoleModule, grants: CONSOLE_GRANTS },
      { name: "client", bytes: client, grants: [interfaceHash("console"), interfaceHash("kernel-log")] },
    ]), "halt");
    const [written, size, noText, badPrompt, unknown] = replies(m.serial, "client");
    assert.equal(written.error, false);
    assert.match(m.serial, /from a script\r\n/, "written text reaches the serial port");
    assert.deepEqual(size.as("console", "size"), { columns: 80, rows: 25 });
    assert.equal(noText.reason, "malformed console write");
    assert.equal(badPrompt.reason, "malformed console message");
    assert.equal(unknown.reason, "malformed console message");
  });
});
