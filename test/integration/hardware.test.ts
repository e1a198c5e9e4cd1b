// The hardware layer on real (emulated) machines: the kernel's PCI list
// under QEMU pc and q35 with extra devices must equal what QEMU itself
// reports through QMP (query-pci), BAR sizes and interrupt pins included.
import assert from "node:assert/strict";
import { boot, DEFAULT_MACHINE, MachineOptions } from "../../tools/qemu/launch.ts";
import { bootAndQueryPci, QemuPciFunction } from "../../tools/qemu/query-pci.ts";

const TIMEOUT = 120_000;
const EXTRA_DEVICES = ["-nic", "none", "-device", "e1000", "-device", "virtio-net-pci", "-device", "ahci"];
/** A bridge with a device behind it, so enumeration must reach bus 1. */
const BRIDGED: Record<string, string[]> = {
  pc: ["-device", "pci-bridge,id=bridge1,chassis_nr=1", "-device", "e1000,bus=bridge1,addr=3"],
  q35: ["-device", "pcie-root-port,id=port1,chassis=1", "-device", "virtio-net-pci,bus=port1"],
};
/** e1000, virtio-net (transitional), AHCI (ICH9). */
const ADDED = ["8086:100e", "1af4:1000", "8086:2922"];
// QEMU numbers the expansion ROM as BAR 6; the kernel logs it as "ROM".
const ROM_BAR = 6;

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");

/** One line per function: location, ids, class, pin, BAR kinds and sizes. */
function fromQemu(f: QemuPciFunction): string {
  const bars = f.regions.map((r) =>
    r.bar === ROM_BAR ? `ROM size 0x${r.size.toString(16)}` : `BAR${r.bar} ${r.type === "io" ? "io" : r.mem_type_64 ? "mem64" : "mem32"}${r.prefetch ? " prefetchable" : ""} size 0x${r.size.toString(16)}`,
  );
  const pin = f.irq_pin ? ` pin ${String.fromCharCode(64 + f.irq_pin)}` : "";
  return `${hex(f.bus, 2)}:${hex(f.slot, 2)}.${f.function} ${hex(f.id.vendor, 4)}:${hex(f.id.device, 4)} class ${hex(f.class_info.class, 4)}${pin} ${bars.join(", ")}`.trim();
}

const KERNEL_LINE = /debug PCI 0000:([0-9a-f]{2}:[0-9a-f]{2}\.\d) ([0-9a-f]{4}:[0-9a-f]{4}) class ([0-9a-f]{2})\.([0-9a-f]{2})\.[0-9a-f]{2} \([^)]*\) rev [0-9a-f]{2}(.*)/;

function fromKernel(line: string): string | null {
  const m = KERNEL_LINE.exec(line);
  if (!m) return null;
  const pin = /pin ([A-D])/.exec(m[5]);
  const bars = [...m[5].matchAll(/(BAR\d (?:io|mem32|mem64)(?: prefetchable)?|ROM) 0x[0-9a-f]+ (size 0x[0-9a-f]+)/g)].map((b) => `${b[1]} ${b[2]}`);
  return `${m[1]} ${m[2]} class ${m[3]}${m[4]}${pin ? ` pin ${pin[1]}` : ""} ${bars.join(", ")}`.trim();
}

const MACHINES: { machine: string; uefi: boolean }[] = [
  { machine: "pc", uefi: false },
  { machine: "q35", uefi: false },
  { machine: "q35", uefi: true },
];

for (const { machine, uefi } of MACHINES) {
  describe(`hardware on QEMU -machine ${machine}${uefi ? " under OVMF" : ""} (integration)`, function () {
    this.timeout(TIMEOUT * 2);
    // q35 gets QEMU's "max" CPU, which has RDRAND under TCG; pc keeps qemu64, which has neither RDRAND nor RDSEED.
    const cpu = machine === "q35" ? ["-cpu", "max"] : [];
    const opts: MachineOptions = { ...DEFAULT_MACHINE, machine, uefi, cmdline: ["log=debug"], extra: [...EXTRA_DEVICES, ...BRIDGED[machine], ...cpu] };

    it("lists the PCI functions QEMU was started with (BAR sizes included), calibrates the TSC, takes interrupts, reads the RTC and seeds the generator", async () => {
      const r = await bootAndQueryPci(opts, TIMEOUT);
      const expected = r.functions.map(fromQemu).sort();
      const listed = r.serial.split("\n").map(fromKernel).filter((l): l is string => l !== null).sort();
      assert.deepEqual(listed, expected);
      for (const id of ADDED) assert.ok(listed.some((l) => l.includes(id)), `${id} is listed`);
      assert.ok(listed.some((l) => l.startsWith("01:")), "the device behind the bridge, on bus 1, is listed");
      assert.match(r.serial, new RegExp(`PCI: ${expected.length} functions through ${machine === "q35" ? "ECAM at 0xb0000000" : "ports 0xcf8/0xcfc"}`));
      assert.doesNotMatch(r.serial, /\] (warn |error)/, "the kernel logs no warning");
      const tsc = /TSC: (\d+\.\d) MHz measured against the HPET \(the PIT said (\d+\.\d) MHz\)/.exec(r.serial);
      assert.ok(tsc, "the TSC is calibrated against the HPET");
      const [hpet, pit] = [Number(tsc[1]), Number(tsc[2])];
      // Under TCG on a loaded host both measurements jitter by a few percent.
      assert.ok(Math.abs(hpet - pit) / hpet < 0.1, `HPET ${hpet} MHz and PIT ${pit} MHz agree within 10%`);
      console.log(`      ${machine}: TSC ${hpet} MHz by the HPET, ${pit} MHz by the PIT`);
      // Interrupts end to end: the APIC timer wakes the halted CPU, and IRQ 0 comes through the I/O APIC at GSI 2.
      const woke = /local APIC timer at \d+ MHz; a 10 ms one-shot woke the CPU after (\d+\.\d) ms/.exec(r.serial);
      assert.ok(woke, "the APIC timer one-shot fired");
      // Never early; late only by what TCG on a loaded host costs (16 ms seen with two other jobs running).
      assert.ok(Number(woke[1]) >= 9.9 && Number(woke[1]) < 50, `a 10 ms sleep took ${woke[1]} ms`);
      assert.match(r.serial, /PIT IRQ 0 arrived at vector 34 after \d+\.\d ms/);
      console.log(`      ${machine}: a 10 ms APIC timer sleep took ${woke[1]} ms`);
      // QEMU's RTC starts at the host's UTC time.
      const clock = /wall clock: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC/.exec(r.serial);
      assert.ok(clock, "the wall clock is read");
      const [y, mo, d, h, mi, se] = clock.slice(1).map(Number);
      const skew = Math.abs(Date.UTC(y, mo - 1, d, h, mi, se) - Date.now());
      assert.ok(skew < 10_000, `the RTC is ${skew} ms off the host's clock`);
      assert.match(r.serial, machine === "q35" ? /random: ChaCha20 generator seeded from RDRAND/ : /random: ChaCha20 generator seeded from TSC jitter/);
    });

    // QEMU traces a guest's poweroff request (cause 6, guest shutdown); with
    // -no-reboot a reset ends QEMU without that trace.
    const SHUTDOWN_TRACE = ["-trace", "qemu_system_shutdown_request"];

    // Power needs no second look under OVMF: the same QEMU chipset, the same tables.
    if (uefi) return;

    it("powers off through ACPI S5", async () => {
      const r = await boot({ ...DEFAULT_MACHINE, machine, cmdline: ["poweroff"], extra: SHUTDOWN_TRACE }, TIMEOUT);
      assert.equal(r.status, 0, r.serial);
      assert.match(r.serial, /poweroff: entering ACPI S5\n/);
      assert.match(r.serial, /qemu_system_shutdown_request reason=6/);
      assert.doesNotMatch(r.serial, /poweroff failed/);
    });

    it(`reboots through ${machine === "q35" ? "the FADT reset register" : "the 8042 (its FADT has no reset register)"}`, async () => {
      const r = await boot({ ...DEFAULT_MACHINE, machine, cmdline: ["reboot"], extra: SHUTDOWN_TRACE }, TIMEOUT);
      assert.equal(r.status, 0, r.serial);
      const steps = r.serial.split("\n").filter((l) => /info  reboot: /.test(l));
      const expected = machine === "q35" ? /reboot: writing 0xf to the FADT reset register io 0xcf9/ : /reboot: pulsing the reset line through the 8042/;
      assert.equal(steps.length, 1, steps.join("\n"));
      assert.match(steps[0], expected);
      assert.doesNotMatch(r.serial, /qemu_system_shutdown_request|reboot failed/);
    });

    it("reboots by a triple fault when asked to (reboot=triple)", async () => {
      const r = await boot({ ...DEFAULT_MACHINE, machine, cmdline: ["reboot=triple"], extra: SHUTDOWN_TRACE }, TIMEOUT);
      assert.equal(r.status, 0, r.serial);
      assert.match(r.serial, /info  reboot: triple fault\n/);
      assert.doesNotMatch(r.serial, /qemu_system_shutdown_request|reboot failed|FADT reset register|through the 8042/);
    });

    it("powers off when a module granted power asks (start=shutdown)", async () => {
      const r = await boot({ ...DEFAULT_MACHINE, machine, cmdline: ["start=shutdown"], extra: SHUTDOWN_TRACE }, TIMEOUT);
      assert.equal(r.status, 0, r.serial);
      assert.match(r.serial, /started process \d+ \(shutdown\)/);
      assert.match(r.serial, /power: poweroff asked by process \d+ \(shutdown\)\n/);
      assert.match(r.serial, /qemu_system_shutdown_request reason=6/);
      assert.doesNotMatch(r.serial, /poweroff failed|shutdown: /);
    });

    // QEMU's educational device raises an MSI when 0x60 is written; the edu
    // module (modules/edu) subscribes to it through pci.subscribeInterrupt.
    it("delivers a PCI device's MSI to the driver that subscribed (edu)", async () => {
      const r = await boot({ ...DEFAULT_MACHINE, machine, cmdline: ["start=edu"], extra: ["-device", "edu"] }, TIMEOUT, /edu: [^\r\n]*\r?\n/);
      const result = /edu: ([^\r\n]*)\r?\n/.exec(r.serial);
      assert.ok(result, r.serial);
      assert.match(result[1], /^ok: liveness 0xedcba987, MSI interrupt (\d+) arrived with status 0x1, then 0x0 after acknowledging$/);
      assert.ok(Number(/MSI interrupt (\d+)/.exec(result[1])![1]) >= 16, "MSI irqs never collide with ISA lines");
      console.log(`      ${machine}: edu ${result[1]}`);
    });
  });
}
