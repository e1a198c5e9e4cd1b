// Poweroff (ACPI S5) and reboot (reset register, 8042, triple fault) on the
// simulated PC with QEMU's ACPI tables: the register writes are checked
// where the chipset would act on them.
import assert from "node:assert/strict";
import { bootWithAcpi, findTable, fixChecksum, loadFixture, placeTables, withRsdp } from "../harness/acpi.ts";
import { runPrograms } from "../harness/programs.ts";
import { interfaceHash, NOTIFICATION, program } from "../../tools/hosted/programs.ts";
import { abi } from "../../tools/hosted/abi.ts";
import type { Device, Machine } from "../harness/machine.ts";
import { newMachine } from "../harness/machine.ts";

const PM1A_CONTROL = 0x604;
const SCI_ENABLED = 1;
const SLEEP_ENABLE = 1 << 13;
// QEMU's FADT: SMI command port 0xb2, ACPI enable value 0xf1.
const SMI_COMMAND = 0xb2;
const ACPI_ENABLE = 0xf1;

/** Thrown by a simulated register write that would power off or reset the machine. */
class MachineStopped extends Error {
  constructor(public how: string, public value: number) {
    super(`${how} 0x${value.toString(16)}`);
  }
}

function port(at: number, read: () => number, write: (value: number) => void): Device {
  return { start: at, end: at + 1, read: () => BigInt(read()), write: (_a, _s, v) => write(Number(v)) };
}

/** PM1a control: SCI_EN as given (or set through the SMI command port); SLP_EN stops the machine. */
function chipset(m: Machine, acpiMode: boolean): number[] {
  const smiWrites: number[] = [];
  let control = acpiMode ? SCI_ENABLED : 0;
  m.ports.push(
    port(PM1A_CONTROL, () => control, (v) => {
      if (v & SLEEP_ENABLE) throw new MachineStopped("sleep", v);
      control = v;
    }),
    port(SMI_COMMAND, () => 0, (v) => {
      smiWrites.push(v);
      if (v === ACPI_ENABLE) control |= SCI_ENABLED;
    }),
  );
  return smiWrites;
}

function stop(run: () => unknown): MachineStopped {
  try {
    run();
  } catch (e) {
    if (e instanceof MachineStopped) return e;
    throw e;
  }
  assert.fail("the machine kept running");
}

describe("poweroff (hosted)", () => {
  it("writes the _S5 sleep type with SLP_EN to PM1a control", async () => {
    const tables = loadFixture("q35");
    const dsdt = findTable(tables, "DSDT");
    // QEMU's Package(4) {0, 0, 0, 0} becomes Package(3) {BytePrefix 5, 0, 0}: same length.
    const at = Buffer.from(dsdt.bytes).indexOf("_S5_");
    const count = at + 5 + 1 + (dsdt.bytes[at + 5] >> 6);
    assert.deepEqual([...dsdt.bytes.slice(count, count + 5)], [4, 0, 0, 0, 0]);
    dsdt.bytes.set([3, 0x0a, 0x05], count);
    fixChecksum(dsdt);
    const m = await newMachine();
    chipset(m, true);
    const stopped = stop(() => bootWithAcpi(m, tables, "poweroff"));
    assert.equal(stopped.how, "sleep");
    assert.equal((stopped.value >> 10) & 7, 5);
    assert.match(m.serial, /ACPI: S5 sleep type a=5 b=0/);
    assert.match(m.serial, /info  poweroff: entering ACPI S5\r\n$/);
  });

  it("switches the chipset into ACPI mode first when the firmware did not", async () => {
    const m = await newMachine();
    const smiWrites = chipset(m, false);
    assert.equal(stop(() => bootWithAcpi(m, loadFixture("pc"), "poweroff")).how, "sleep");
    assert.deepEqual(smiWrites, [ACPI_ENABLE]);
  });

  it("reports why when there is no _S5, and keeps running", async () => {
    const tables = loadFixture("pc");
    const dsdt = findTable(tables, "DSDT");
    dsdt.bytes[Buffer.from(dsdt.bytes).indexOf("_S5_") + 2] = 0x34;
    fixChecksum(dsdt);
    const m = await newMachine();
    chipset(m, true);
    assert.equal(bootWithAcpi(m, tables, "poweroff"), "halt");
    assert.match(m.serial, /error poweroff failed: no _S5 sleep type/);
    assert.match(m.serial, /info  idle/);
  });
});

describe("reboot (hosted)", () => {
  /** Reboots a machine whose port `at` resets it; returns the machine and the value written there. */
  async function rebootThrough(fixture: "pc" | "q35", at: number): Promise<{ m: Machine; value: number }> {
    const m = await newMachine();
    m.ports.push(port(at, () => 0, (v) => {
      throw new MachineStopped("reset", v);
    }));
    return { m, value: stop(() => bootWithAcpi(m, loadFixture(fixture), "reboot")).value };
  }

  it("writes the FADT reset value to the reset register (q35: 0xf to port 0xcf9)", async () => {
    assert.equal((await rebootThrough("q35", 0xcf9)).value, 0xf);
  });

  it("pulses the 8042's reset line when the FADT has no reset register (pc)", async () => {
    const { m, value } = await rebootThrough("pc", 0x64);
    assert.equal(value, 0xfe);
    assert.doesNotMatch(m.serial, /FADT reset register/);
  });

  it("uses only the method asked for with reboot=<method>, and refuses unknown ones", async () => {
    const m = await newMachine();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "reboot=triple"), "halt");
    assert.doesNotMatch(m.serial, /reset register|8042/);
    assert.match(m.serial, /info  reboot: triple fault\r\n.*error reboot failed/);
    const n = await newMachine();
    assert.equal(bootWithAcpi(n, loadFixture("q35"), "reboot=kick"), "halt");
    assert.match(n.serial, /error reboot: unknown method 'kick' \(use acpi, 8042 or triple\)/);
  });

  it("ends with a triple fault (an empty IDT), and says so when even that fails", async () => {
    const m = await newMachine();
    assert.equal(bootWithAcpi(m, loadFixture("q35"), "reboot"), "halt");
    const steps = m.serial.split("\n").filter((l) => /reboot/.test(l)).map((l) => l.replace(/^\[[^\]]*\] /, "").trim());
    assert.deepEqual(steps, [
      "info  command line: 'reboot'",
      "info  reboot: writing 0xf to the FADT reset register io 0xcf9",
      "info  reboot: pulsing the reset line through the 8042",
      "info  reboot: triple fault",
      "error reboot failed: the machine is still running",
    ]);
    assert.equal(m.idt?.limit, 0);
  });
});

describe("power interface (hosted)", function () {
  this.timeout(60_000);
  const POWER = interfaceHash("power");
  const KERNEL_LOG = interfaceHash("kernel-log");
  // Sends the `length`-byte power message stored at 500 and logs how it went.
  const send = (store: string, length: number) => program(POWER, `
    ${store}
    (if (i32.eq (call $call (i32.const 64) (i32.const 500) (i32.const ${length}) (i32.const 1)) (i32.const ${abi("E_PERMISSION")}))
      (then (call $log $str("permission denied")))
      (else
        (call $expect (call $await) (i32.const 1))
        (call $log (i32.const ${NOTIFICATION.at.answerData}) (i32.load (i32.const ${NOTIFICATION.at.answerLength})))))`);
  const POWEROFF = `(i32.store8 (i32.const 500) (i32.const 0))`;
  const rebootWith = (method: number) => `(i32.store8 (i32.const 500) (i32.const 1)) (i32.store8 (i32.const 501) (i32.const ${method}))`;

  it("is refused without a grant, refuses malformed messages and answers why a poweroff or reboot failed", async () => {
    const m = await newMachine();
    assert.equal(await runPrograms(m, [
      { name: "nogrant", bytes: send(POWEROFF, 1), grants: [KERNEL_LOG] },
      { name: "long", bytes: send(POWEROFF, 2), grants: [KERNEL_LOG, POWER] },
      { name: "method", bytes: send(rebootWith(4), 2), grants: [KERNEL_LOG, POWER] },
      { name: "off", bytes: send(POWEROFF, 1), grants: [KERNEL_LOG, POWER] },
      { name: "triple", bytes: send(rebootWith(3), 2), grants: [KERNEL_LOG, POWER] },
    ]), "halt");
    assert.match(m.serial, /nogrant: permission denied/);
    assert.match(m.serial, /long: malformed power message/);
    assert.match(m.serial, /method: malformed power message/);
    // No ACPI tables in this machine: S5 cannot be entered, and the system goes on.
    assert.match(m.serial, /power: poweroff asked by process 4 \(off\)\r\n.*poweroff: entering ACPI S5\r\n.*\r\n.*off: poweroff failed: no FADT/);
    assert.match(m.serial, /power: reboot asked by process 5 \(triple\)\r\n.*reboot: triple fault\r\n.*\r\n.*triple: reboot failed: the machine is still running/);
    assert.equal(m.idt?.limit, 0, "the triple fault loaded an empty IDT");
  });

  it("enters ACPI S5 when a granted process asks", async () => {
    const tables = loadFixture("pc");
    const m = await newMachine();
    chipset(m, true);
    placeTables(m, tables);
    const stopped = await stopAsync(() => runPrograms(m, [{ name: "off", bytes: send(POWEROFF, 1), grants: [KERNEL_LOG, POWER] }], "", withRsdp(tables)));
    assert.equal(stopped.how, "sleep");
    assert.match(m.serial, /power: poweroff asked by process 1 \(off\)\r\n.*poweroff: entering ACPI S5\r\n$/);
  });
});

async function stopAsync(run: () => Promise<unknown>): Promise<MachineStopped> {
  try {
    await run();
  } catch (e) {
    if (e instanceof MachineStopped) return e;
    throw e;
  }
  assert.fail("the machine kept running");
}
