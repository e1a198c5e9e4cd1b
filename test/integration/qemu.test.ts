// Boots the real ISO in QEMU (TCG, headless) under BIOS and UEFI and reads
// the serial log. The kernel's "test" mode runs its self-tests and exits
// QEMU through isa-debug-exit, so every run ends with a status.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cidOf } from "../../tools/identity/cid.ts";
import { boot, DEFAULT_MACHINE, MachineOptions, OUT, STATUS_PANIC, STATUS_TEST_PASSED } from "../../tools/qemu/launch.ts";

const BIOS_TIMEOUT = 60_000;
const UEFI_TIMEOUT = 120_000;

function machine(cmdline: string[], overrides: Partial<MachineOptions> = {}): MachineOptions {
  return { ...DEFAULT_MACHINE, cmdline, ...overrides };
}

function availableMiB(log: string): number {
  const m = /memory map: \d+ regions, (\d+) MiB available/.exec(log);
  assert.ok(m, "memory map summary missing");
  return Number(m[1]);
}

function readyMs(log: string): number {
  const m = /ready in (\d+\.\d) ms since entry/.exec(log);
  assert.ok(m, "ready line missing");
  return Number(m[1]);
}

function assertHealthyBoot(log: string, memoryMiB: number): void {
  assert.match(log, /Atoll \d+\.\d+\.\d+ - an operating system where every program is WebAssembly/);
  assert.match(log, /boot loader: GRUB 2/);
  assert.match(log, /module 'symbols' bafkrei[a-z2-7]{52} at 0x[0-9a-f]+, \d+ bytes/);
  const available = availableMiB(log);
  assert.ok(available > memoryMiB - 16 && available <= memoryMiB, `${available} MiB available of ${memoryMiB}`);
  const frames = /frames: (\d+) free of (\d+) \((\d+) MiB free\)/.exec(log);
  assert.ok(frames, "frame summary missing");
  assert.ok(Number(frames[3]) > available - 16, `only ${frames[3]} MiB of ${available} free after boot`);
  assert.match(log, /selftest: 5 passed, 0 failed/);
  assert.doesNotMatch(log, /warn|error|PANIC/);
}

describe("QEMU boot (integration)", function () {
  this.timeout(UEFI_TIMEOUT + 10_000);

  it("the kernel ELF is multiboot2", () => {
    const r = spawnSync("grub-file", ["--is-x86-multiboot2", `${OUT}/atoll.elf`]);
    assert.equal(r.status, 0);
  });

  it("boots under BIOS into VGA text, reports memory and passes its self-tests", async () => {
    const r = await boot(machine(["test"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    assertHealthyBoot(r.serial, 256);
    assert.match(r.serial, /\(BIOS\)/);
    assert.match(r.serial, /screen: VGA text 80x25/);
    assert.match(r.serial, /ACPI RSDP v1/);
    const symbols = /module 'symbols' (\S+) at/.exec(r.serial)!;
    assert.equal(symbols[1], await cidOf(readFileSync(`${OUT}/atoll.sym`)), "kernel and tools agree on the module's CID");
    console.log(`      BIOS: ready ${readyMs(r.serial)} ms after entry, QEMU run ${r.seconds.toFixed(1)} s`);
  });

  it("boots under UEFI (OVMF) onto a framebuffer and passes its self-tests", async () => {
    const r = await boot(machine(["test"], { uefi: true }), UEFI_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    assertHealthyBoot(r.serial, 256);
    assert.match(r.serial, /\(UEFI\)/);
    assert.match(r.serial, /screen: framebuffer \d+x\d+x(24|32) at 0x[0-9a-f]+, \d+x\d+ cells/);
    assert.match(r.serial, /ACPI RSDP v2/);
    console.log(`      UEFI: ready ${readyMs(r.serial)} ms after entry, QEMU run ${r.seconds.toFixed(1)} s`);
  });

  it("sees the RAM it is given (1 GiB)", async () => {
    const r = await boot(machine(["test"], { memory: "1G" }), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    assertHealthyBoot(r.serial, 1024);
  });

  it("uses RAM above 4 GiB (6 GiB) and keeps DMA frames below it", async () => {
    const r = await boot(machine(["test"], { memory: "6G" }), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    assertHealthyBoot(r.serial, 6144);
    const high = /memory above 4 GiB: (\d+) MiB mapped and in use; 16 MiB below 4 GiB kept for DMA/.exec(r.serial);
    assert.ok(high && Number(high[1]) >= 2048, `RAM above 4 GiB: ${high?.[1]} MiB`);
    const used = /selftest: RAM above 4 GiB holds frame 0x([0-9a-f]+) and the heap's last page 0x([0-9a-f]+); DMA frames at 0x([0-9a-f]+)/.exec(r.serial);
    assert.ok(used, "the high-memory self-test's line is missing");
    const [frame, heapPage, dma] = used.slice(1).map((hex) => BigInt("0x" + hex));
    const GiB4 = 1n << 32n;
    assert.ok(frame >= GiB4 && heapPage >= GiB4, "frames and kernel heap pages come from above 4 GiB");
    assert.ok(dma < GiB4, "DMA frames stay below 4 GiB");
    console.log(`      6 GiB: ready ${readyMs(r.serial)} ms after entry, QEMU run ${r.seconds.toFixed(1)} s`);
  });

  it("boots the default image to the idle line", async () => {
    const r = await boot(machine([]), BIOS_TIMEOUT, /info {2}idle/);
    assert.match(r.serial, /ready in .*\n(.*\n)*.*info {2}idle/);
    assert.equal(r.timedOut, false);
  });

  it("dumps a page fault with registers, CR2 and symbolised function names", async () => {
    const r = await boot(machine(["test", "fault=page"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_PANIC, r.serial);
    const log = r.serial;
    assert.match(log, /\*\*\* KERNEL PANIC \*\*\* page fault \(#PF\), vector 14, error code 0x0/);
    assert.match(log, /\n {2}at Z_hwZ_peek8\+0x[0-9a-f]+\n/);
    assert.match(log, /rip 0x00000000002[0-9a-f]{5}/);
    assert.match(log, /cr2 0x00000dead0000000/);
    assert.match(log, /backtrace:\n( {4}0x[0-9a-f]{16} \S+\+0x[0-9a-f]+\n)*.*kmain/);
    assert.doesNotMatch(log, /selftest/);
  });

  it("reports a wasm trap inside the kernel with the trapping function", async () => {
    const r = await boot(machine(["test", "fault=trap"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_PANIC, r.serial);
    assert.match(r.serial, /\*\*\* KERNEL PANIC \*\*\* wasm trap: unreachable executed in w2c_kernel_\w+\+0x[0-9a-f]+/);
  });

  it("stops a kernel stack overflow at the guard page with a named panic", async () => {
    const r = await boot(machine(["test", "fault=stack"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_PANIC, r.serial);
    const log = r.serial;
    assert.match(log, /\*\*\* KERNEL PANIC \*\*\* kernel stack overflow: double fault \(#DF\), vector 8, error code 0x0/);
    assert.match(log, /\n {2}at Z_hwZ_overflowStack\+0x[0-9a-f]+\n/);
    const guard = /cr2 0x([0-9a-f]{16})/.exec(log);
    assert.ok(guard, log);
    assert.equal(BigInt("0x" + guard[1]) & 0xfffn, 0xff8n, "the fault is the first push below the stack: the top word of the guard page");
    assert.match(log, /backtrace:\n {4}0x[0-9a-f]{16} Z_hwZ_overflowStack\+0x[0-9a-f]+\n/);
    assert.doesNotMatch(log, /exception while handling|selftest/);
  });

  it("reports an AssemblyScript abort with file and line", async () => {
    const r = await boot(machine(["test", "fault=abort"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_PANIC, r.serial);
    assert.match(r.serial, /\*\*\* KERNEL PANIC \*\*\* abort: deliberate assertion failure at kernel\/selftest\/faults\.ts:\d+:\d+/);
  });
});

describe("npm run qemu options", () => {
  function run(args: string[]) {
    return spawnSync("node_modules/.bin/tsx", ["tools/commands/qemu.ts", ...args], { encoding: "utf8" });
  }

  it("rejects an unknown option with the usage text", () => {
    const r = run(["--bogus"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option: --bogus/);
    assert.match(r.stderr, /usage: npm run qemu/);
  });

  it("rejects malformed values", () => {
    assert.match(run(["--memory", "12X"]).stderr, /--memory wants a size like 512M/);
    assert.match(run(["--smp", "0"]).stderr, /--smp wants a CPU count/);
    assert.match(run(["--machine", "isapc"]).stderr, /--machine wants pc or q35/);
    assert.match(run(["--smp"]).stderr, /--smp needs a value/);
  });

  it("prints help", () => {
    const r = run(["--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--headless/);
  });
});

describe("example modules in QEMU (integration)", function () {
  this.timeout(BIOS_TIMEOUT + 10_000);

  it("logger, echo and greeter exchange 1000 messages and log through the log interface", async () => {
    const r = await boot(machine(["test", "start=greeter"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    for (const name of ["logger", "echo", "greeter"]) assert.match(r.serial, new RegExp(`started process \\d+ \\(${name}\\) bafkrei`));
    assert.match(r.serial, /logger: \[pid \d+\] echo: serving/);
    assert.match(r.serial, /logger: \[pid \d+\] greeter: 1000 greetings echoed/);
    assert.match(r.serial, /greeter \(pid \d+\) exited with status 0/);
    assert.doesNotMatch(r.serial, /trapped|cannot start/);
  });

  it("sleeps 200 ms ten times through the time interface within 10% by the TSC", async () => {
    const r = await boot(machine(["test", "start=clock"]), BIOS_TIMEOUT);
    assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
    const slept = /clock: slept 10 x 200 ms in (\d+) ms \((\d+) per mille off\)/.exec(r.serial);
    assert.ok(slept, "the clock module's line is missing");
    assert.ok(Math.abs(Number(slept[1]) - 2000) <= 200, `${slept[1]} ms for 2000 ms of sleeps`);
    assert.match(r.serial, /clock: 8 random bytes [0-9a-f]{16}/);
    assert.match(r.serial, /clock: wall clock \d{10} s since 1970/);
  });

  it("keeps serving while a module computes forever (fuel preemption)", async () => {
    const r = await boot(machine(["start=spinner,greeter,clock"]), BIOS_TIMEOUT, /^(?=[\s\S]*greetings echoed)(?=[\s\S]*clock: slept)/);
    assert.equal(r.timedOut, false, r.serial);
    assert.match(r.serial, /started process \d+ \(spinner\)/);
    assert.match(r.serial, /logger: \[pid \d+\] greeter: 1000 greetings echoed/);
    assert.doesNotMatch(r.serial, /\(spinner\) ended/);
    assert.match(r.serial, /clock: slept 10 x 200 ms/, "sleepers wake while the spinner runs");
  });

  it("reports a start= name that is no boot module", async () => {
    const r = await boot(machine(["start=nosuch"]), BIOS_TIMEOUT, /info {2}idle/);
    assert.match(r.serial, /error cannot start nosuch: no boot module of that name/);
  });

  for (const type of ["pc", "q35"]) {
    it(`lspci names the devices QEMU was given (${type})`, async () => {
      const devices = ["-device", "e1000", "-device", "virtio-net-pci", "-device", "ahci"];
      const r = await boot(machine(["test", "start=lspci"], { machine: type, extra: devices }), BIOS_TIMEOUT);
      assert.equal(r.status, STATUS_TEST_PASSED, r.serial);
      // lspci writes to the console, which mirrors the screen on the serial port.
      assert.match(r.serial, /^[0-9a-f]{2}:[0-9a-f]{2}\.\d \[0200\] 8086:100e Intel Corporation 82540EM Gigabit Ethernet Controller$/m);
      assert.match(r.serial, /^[0-9a-f]{2}:[0-9a-f]{2}\.\d \[0200\] 1af4:1000 Red Hat, Inc\. Virtio network device$/m);
      assert.match(r.serial, /^[0-9a-f]{2}:[0-9a-f]{2}\.\d \[0106\] 8086:2922 Intel Corporation 82801IR\/IO\/IH \(ICH9R\/DO\/DH\) 6 port SATA Controller \[AHCI mode\]$/m);
      const kernelCount = Number(/PCI: (\d+) functions/.exec(r.serial)![1]);
      // The first line may follow the shell's prompt, which the console showed before lspci wrote.
      assert.equal(r.serial.match(/[0-9a-f]{2}:[0-9a-f]{2}\.\d \[[0-9a-f]{4}\] [0-9a-f]{4}:[0-9a-f]{4} /g)?.length, kernelCount, "one lspci line per function the kernel found");
    });
  }
});
