// The display interface on the simulated PC: what the boot loader's screen
// looks like (VGA text, a framebuffer, none), and handing it to one process
// at a time, with the kernel's console off the screen while it owns it.
import assert from "node:assert/strict";
import { newMachine, Machine } from "../harness/machine.ts";
import { BootProgram, runPrograms } from "../harness/programs.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";
import { abi } from "../../tools/hosted/abi.ts";
import { replies, scriptProgram } from "../harness/script.ts";
import { vgaRows } from "../harness/boots.ts";
import type { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";

const DISPLAY = interfaceHash("display");
const HARDWARE = interfaceHash("hardware");
const KERNEL_LOG = interfaceHash("kernel-log");
const VGA = 0xb8000;
const HARDWARE_AT = 128;
const DATA = NOTIFICATION.at.answerData;

// Sends the `length`-byte message at `at` to the interface whose hash is at `iface` and expects the answer's error flag.
const ask = (iface: number, at: number, length: number, error: number) => `
  (call $expect (call $call (i32.const ${iface}) (i32.const ${at}) (i32.const ${length}) (i32.const 1)) (i32.const 0))
  (call $expect (call $await) (i32.const ${error}))`;
const logAnswer = `(call $log (i32.const ${DATA}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))`;
const INFO = `(i32.store8 (i32.const 500) (i32.const 0)) ${ask(64, 500, 1, 0)}`;
const TAKE_OVER = `(i32.store8 (i32.const 510) (i32.const 1))`;
/** hardware.memoryWrite of the u32 `value` at `physical`, expecting the error flag `error`. */
const poke = (physical: number, value: number, error = 0) => `
  (i32.store8 (i32.const 520) (i32.const 7)) (i64.store (i32.const 521) (i64.const ${physical})) (i32.store (i32.const 529) (i32.const 4)) (i32.store (i32.const 533) (i32.const ${value}))
  ${ask(HARDWARE_AT, 520, 17, error)}`;
const WAIT_FOREVER = `(drop (call $wait (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 4096) (i32.const 4096)))`;

/** Checks the info answer: [offset in the answer, bytes (1 or 4), expected value]. */
function expectInfo(fields: [number, 1 | 4, number][]): string {
  return fields.map(([at, size, value]) => `(call $expect (i32.${size === 1 ? "load8_u" : "load"} (i32.const ${DATA + at})) (i32.const ${value}))`).join("\n  ");
}

function displayProgram(body: string): Uint8Array {
  return program(DISPLAY, body, { [HARDWARE_AT]: HARDWARE });
}

async function boot(programs: BootProgram[], extraTags?: (b: BootInfoBuilder) => void): Promise<Machine> {
  const m = await newMachine();
  assert.equal(await runPrograms(m, programs, "", extraTags), "halt");
  assert.doesNotMatch(m.serial, /trapped/);
  return m;
}

describe("display interface (hosted)", function () {
  this.timeout(60_000);

  it("describes VGA text mode, gives the screen to its owner and draws again when the owner ends", async () => {
    const owner = displayProgram(`
      ${INFO}
      ${expectInfo([[0, 1, 1], [1, 4, VGA], [5, 4, 0], [9, 4, 80], [13, 4, 25], [17, 4, 160]])}
      ${TAKE_OVER} ${ask(64, 510, 1, 0)}
      ${ask(64, 510, 1, 0)}
      ${poke(VGA, 0x1f421f41)}
      (call $log $str("drawn by the owner"))`);
    const m = await boot([{ name: "owner", bytes: owner, grants: [DISPLAY, HARDWARE, KERNEL_LOG] }]);
    assert.match(m.serial, /display: process 1 \(owner\) owns the screen/);
    assert.match(m.serial, /owner: drawn by the owner/);
    assert.match(m.serial, /display: the kernel draws on the screen again \(process 1 ended\)/);
    const screen = vgaRows(m).join("\n");
    assert.match(screen, /^\[ +\d+\.\d+\] info  display: the kernel draws/, "the screen was cleared and drawn again");
    assert.match(screen, /owner \(pid 1\) exited with status 0/);
    assert.doesNotMatch(screen, /drawn by the owner|owns the screen|started process/, "nothing logged while the owner held it reached the screen");
  });

  it("refuses a second owner, an ungranted sender and malformed messages; the kernel leaves the owner's screen alone", async () => {
    const holder = displayProgram(`
      ${TAKE_OVER} ${ask(64, 510, 1, 0)}
      ${poke(VGA, 0x1f421f41)}
      (call $log $str("drawn by the holder"))
      ${WAIT_FOREVER}`);
    const rival = displayProgram(`
      ${TAKE_OVER} ${ask(64, 510, 1, 1)} ${logAnswer}
      ${poke(VGA + 4, 0x1f431f43, 1)} ${logAnswer}`);
    const nogrant = displayProgram(`
      ${TAKE_OVER}
      (if (i32.eq (call $call (i32.const 64) (i32.const 510) (i32.const 1) (i32.const 1)) (i32.const ${abi("E_PERMISSION")})) (then (call $log $str("permission denied"))))`);
    const malformed = displayProgram(`(i32.store8 (i32.const 500) (i32.const 0)) ${ask(64, 500, 2, 1)} ${logAnswer}`);
    const m = await boot([
      { name: "holder", bytes: holder, grants: [DISPLAY, HARDWARE, KERNEL_LOG] },
      { name: "rival", bytes: rival, grants: [DISPLAY, HARDWARE, KERNEL_LOG] },
      { name: "nogrant", bytes: nogrant, grants: [KERNEL_LOG] },
      { name: "malformed", bytes: malformed, grants: [DISPLAY, KERNEL_LOG] },
    ]);
    assert.match(m.serial, /rival: the screen is owned by process 1/);
    assert.match(m.serial, /rival: memory 0xb8004 \(4 bytes\) is not claimed by this process/);
    assert.match(m.serial, /nogrant: permission denied/);
    assert.match(m.serial, /malformed: malformed display message/);
    assert.deepEqual([...m.memory.read(VGA, 4)], [0x41, 0x1f, 0x42, 0x1f], "the holder's cells");
    const screen = vgaRows(m).join("\n");
    assert.match(screen, /started process 4 \(malformed\)/, "lines from before the take-over stay");
    assert.doesNotMatch(screen, /drawn by the holder|rival: |nogrant: |no runnable processes/, "later lines went to the serial port only");
    assert.match(m.serial, /no runnable processes \(1 waiting\)/);
  });

  it("describes a framebuffer with its geometry and colour masks, and its memory becomes the owner's", async () => {
    const FB = 0xfd000000;
    const owner = displayProgram(`
      ${INFO}
      ${expectInfo([[0, 1, 2], [1, 4, FB], [9, 4, 1024], [13, 4, 768], [17, 4, 4096], [21, 1, 32], [22, 1, 16], [23, 1, 8], [24, 1, 8], [25, 1, 8], [26, 1, 0], [27, 1, 8]])}
      ${TAKE_OVER} ${ask(64, 510, 1, 0)}
      ${poke(FB + 4096 * 768 - 4, 0x00ff00ff)}
      (call $log $str("framebuffer owned"))`);
    const m = await boot([{ name: "owner", bytes: owner, grants: [DISPLAY, HARDWARE, KERNEL_LOG] }], (b) => b.framebufferRgb(FB, 1024, 768, 32));
    assert.match(m.serial, /owner: framebuffer owned/);
  });

  it("says there is no screen on a UEFI boot without a framebuffer", async () => {
    const owner = displayProgram(`
      ${INFO}
      ${expectInfo([[0, 1, 0]])}
      ${TAKE_OVER} ${ask(64, 510, 1, 1)} ${logAnswer}`);
    const m = await boot([{ name: "owner", bytes: owner, grants: [DISPLAY, KERNEL_LOG] }], (b) => b.efi64());
    assert.match(m.serial, /owner: there is no screen to take over/);
  });

  it("copies within the owner's screen memory, overlapping or not, and refuses ranges it does not hold", async () => {
    const vga = BigInt(VGA);
    const script = scriptProgram([
      { iface: "display", message: "takeOver" },
      { iface: "hardware", message: "memoryWrite", values: [vga, new TextEncoder().encode("abcdefgh")] },
      { iface: "hardware", message: "memoryCopy", values: [vga + 160n, vga, 8n] },
      { iface: "hardware", message: "memoryCopy", values: [vga + 2n, vga, 8n] },
      { iface: "hardware", message: "memoryRead", values: [vga, 10] },
      { iface: "hardware", message: "memoryRead", values: [vga + 160n, 8] },
      { iface: "hardware", message: "memoryCopy", values: [0x100000n, vga, 8n] },
      { iface: "hardware", message: "memoryCopy", values: [vga, 0xffffffffffffff00n, 0x200n] },
    ]);
    const m = await boot([{ name: "owner", bytes: script, grants: [DISPLAY, HARDWARE, KERNEL_LOG] }]);
    const r = replies(m.serial, "owner");
    assert.deepEqual(r.slice(0, 4).map((reply) => reply.error), [false, false, false, false]);
    const text = (reply: (typeof r)[number]) => new TextDecoder().decode(reply.as("hardware", "memoryRead").data as Uint8Array);
    assert.equal(text(r[4]), "ababcdefgh", "an overlapping copy moves the bytes as they were");
    assert.equal(text(r[5]), "abcdefgh");
    assert.equal(r[6].reason, "memory 0x100000 (8 bytes) is not claimed by this process");
    assert.equal(r[7].reason, "memory 0xffffffffffffff00 (512 bytes) is not claimed by this process");
  });
});
