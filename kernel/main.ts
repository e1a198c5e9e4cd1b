// The kernel's entry points. boot/multiboot2.S and boot/runtime.c call
// kmain once with the boot loader's handoff; the other exports are called
// by the C glue when memory grows, a trap fires or the CPU faults.
import { halt, imageEnd, imageStart } from "./arch/hw";
import { initIdt } from "./arch/idt";
import { cpuName } from "./arch/cpu";
import { EXIT_FAILURE, EXIT_SUCCESS, qemuExit } from "./arch/power";
import { BOOT_MAGIC, BootInfo, MemoryType, parseBootInfo } from "./boot/multiboot2";
import { CommandLine, parseCommandLine } from "./boot/cmdline";
import { Colour } from "./console/colour";
import * as log from "./console/log";
import { setColour, write } from "./console/output";
import { initSerial } from "./console/serial";
import { setupScreen } from "./console/setup";
import { freeFrameCount, initFrames, Reservation, totalFrames, FRAME_SIZE } from "./mem/frames";
import { useHighMemory } from "./mem/high-memory";
import { backRange } from "./mem/paging";
import { protectKernelStack } from "./mem/stack-guard";
import { cidOfPhysical } from "./identity/cid";
import { heapAvailableBytes, heapMappedBytes, heapUsedBytes } from "./mem/heap";
import { registerKernelServices } from "./ipc/kernel-service";
import { poolHeldBytes, sizePool } from "./ipc/account";
import { connectProcesses } from "./ipc/router";
import { loadAnswered, startBootPrograms } from "./proc/launch";
import { allProcesses, deliver, processByPid } from "./proc/table";
import { KERNEL_SERVICES } from "./services";
import { runUntilIdle, setWaitForDevices } from "./sched/scheduler";
import { exceptionHandler, panic, setExitOnPanic, trapHandler } from "./panic/panic";
import { setSymbolTable } from "./panic/symbols";
import { calibrateTsc, nanosSinceEntry, setEntryTsc, tscTicksPerMs } from "./time/tsc";
import { runSelfTests } from "./selftest/selftest";
import { triggerFault } from "./selftest/faults";
import { initAcpi } from "./acpi/acpi";
import { initPci } from "./pci/pci";
import { setPciDevices } from "./pci/service";
import { calibrateTscWithHpet } from "./time/hpet";
import { poweroff } from "./power/poweroff";
import { reboot } from "./power/reboot";
import { initInterrupts } from "./arch/interrupts";
import { checkInterrupts } from "./arch/interrupt-check";
import { initWallClock } from "./time/rtc";
import { initRandom } from "./random/generator";

export const VERSION = "0.1.0";

export function kmain(magic: u32, bootInfo: u64, entryTsc: u64): void {
  setEntryTsc(entryTsc);
  initSerial();
  if (magic != BOOT_MAGIC) {
    panic("not started by a multiboot2 boot loader (magic 0x" + magic.toString(16) + ")");
    return;
  }
  initIdt();
  const boot = parseBootInfo(bootInfo);
  const screen = setupScreen(boot);
  banner();
  const cmdline = parseCommandLine(boot.commandLine);
  configure(cmdline);
  if (!calibrateTsc()) log.warn("TSC calibration failed: the PIT never fired; timestamps are zero");
  reportBoot(boot, screen);
  initMemory(boot);
  const acpi = initAcpi(boot.rsdp, cmdline.has("acpidump"));
  calibrateTscWithHpet(acpi.hpet);
  initWallClock(acpi.fadt != null ? acpi.fadt!.century : 0);
  initRandom();
  setPciDevices(initPci(acpi.ecam));
  initInterrupts(acpi.madt);
  checkInterrupts();
  log.info("ready in " + msString(nanosSinceEntry()) + " since entry (TSC " + (tscTicksPerMs() / 1000).toString() + " MHz)");
  // A run that is meant to end (tests, poweroff, reboot) does not wait for devices.
  setWaitForDevices(!cmdline.has("test") && !cmdline.has("poweroff") && !cmdline.has("reboot"));
  connectProcesses(deliver, processByPid, loadAnswered);
  sizePool(heapAvailableBytes());
  registerKernelServices(KERNEL_SERVICES);
  const extra = cmdline.get("start");
  if (startBootPrograms(boot, extra.length > 0 ? extra.split(",") : []) > 0) {
    runUntilIdle();
    // A full collection first, so "in use" counts what is live, not garbage not yet swept.
    __collect();
    log.info(
      "no runnable processes (" + allProcesses().length.toString() + " waiting); kernel memory " + (heapMappedBytes() >> 10).toString() +
        " KiB, " + (heapUsedBytes() >> 10).toString() + " KiB in use, message pool " + poolHeldBytes().toString() + " bytes held",
    );
  }
  afterReady(cmdline);
}

function configure(cmdline: CommandLine): void {
  const level = log.parseLevel(cmdline.get("log", "info"));
  log.setLogLevel(level < 0 ? log.Level.Info : <log.Level>level);
  if (level < 0) log.warn("unknown log level '" + cmdline.get("log") + "' (use debug, info, warn or error)");
  setExitOnPanic(cmdline.has("test"));
}

function banner(): void {
  setColour(Colour.LightCyan);
  write("Atoll " + VERSION + " - an operating system where every program is WebAssembly\n");
  setColour(Colour.LightGrey);
}

function reportBoot(boot: BootInfo, screen: string): void {
  for (let i = 0; i < boot.errors.length; i++) log.warn("boot info: " + boot.errors[i]);
  log.info("boot loader: " + (boot.loaderName.length > 0 ? boot.loaderName : "unknown") + (boot.efi ? " (UEFI)" : " (BIOS)"));
  log.info("cpu: " + cpuName());
  log.info("command line: '" + boot.commandLine + "'");
  log.info("screen: " + screen);
  for (let i = 0; i < boot.modules.length; i++) {
    const m = boot.modules[i];
    m.cid = cidOfPhysical(m.start, m.end - m.start);
    log.info("module '" + m.name + "' " + m.cid + " at 0x" + m.start.toString(16) + ", " + (m.end - m.start).toString() + " bytes");
  }
  if (boot.rsdp != null) log.info("ACPI RSDP v" + boot.rsdpVersion.toString() + " (" + boot.rsdp!.length.toString() + " bytes)");
  else log.info("no ACPI RSDP from the boot loader");
}

function initMemory(boot: BootInfo): void {
  let available: u64 = 0;
  for (let i = 0; i < boot.memoryMap.length; i++) {
    const r = boot.memoryMap[i];
    if (r.type == MemoryType.Available) available += r.length;
    log.debug("memory 0x" + hex16(r.base) + "-0x" + hex16(r.end - 1) + " " + regionTypeName(r.type));
  }
  log.info("memory map: " + boot.memoryMap.length.toString() + " regions, " + mib(available) + " MiB available");
  const reserved: Reservation[] = [
    new Reservation(imageStart(), imageEnd(), "kernel image"),
    new Reservation(boot.start, boot.end, "boot info"),
  ];
  for (let i = 0; i < boot.modules.length; i++) {
    reserved.push(new Reservation(boot.modules[i].start, boot.modules[i].end, "module " + boot.modules[i].name));
  }
  const symbols = boot.module("symbols");
  if (symbols != null) setSymbolTable(symbols.start, symbols.end);
  const problem = initFrames(boot.memoryMap, reserved);
  if (problem.length > 0) {
    panic("frame allocator: " + problem);
    return;
  }
  useHighMemory();
  log.info(
    "frames: " + freeFrameCount().toString() + " free of " + totalFrames().toString() +
    " (" + mib(freeFrameCount() * FRAME_SIZE) + " MiB free); kernel image " + mib(imageEnd() - imageStart()) + " MiB",
  );
  if (!protectKernelStack()) log.warn("no frame for the page table that unmaps the kernel stack's guard page");
}

function afterReady(cmdline: CommandLine): void {
  const fault = cmdline.get("fault");
  if (fault.length > 0) {
    log.info("triggering a deliberate fault: " + fault);
    if (!triggerFault(fault)) log.error("unknown fault kind '" + fault + "' (use page, trap, abort or stack)");
  }
  if (cmdline.has("test")) {
    const failed = runSelfTests();
    qemuExit(failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
  }
  if (cmdline.has("poweroff")) poweroff();
  if (cmdline.has("reboot")) reboot(cmdline.get("reboot"));
  log.info("idle");
  halt();
}

function regionTypeName(type: u32): string {
  if (type == MemoryType.Available) return "available";
  if (type == MemoryType.AcpiReclaimable) return "ACPI reclaimable";
  if (type == MemoryType.AcpiNvs) return "ACPI NVS";
  if (type == MemoryType.Defective) return "defective";
  return "reserved";
}

function hex16(value: u64): string {
  return value.toString(16).padStart(16, "0");
}

function mib(bytes: u64): string {
  return (bytes >> 20).toString();
}

function msString(nanos: u64): string {
  const tenths = nanos / 100_000;
  return (tenths / 10).toString() + "." + (tenths % 10).toString() + " ms";
}

/** memory.grow beyond the boot arena: back [start, end) with frames. */
export function backLinearMemory(start: u64, end: u64): bool {
  return backRange(start, end);
}

export function onTrap(code: u32, address: u64): void {
  trapHandler(code, address);
}

export function onException(frame: u64): void {
  exceptionHandler(frame);
}

// Exported so the hosted harness can test the allocator through the same
// functions the kernel uses.
export { allocFrames, allocLowFrames, freeFrames, freeFrameCount } from "./mem/frames";
export { translate } from "./mem/paging";
export { wallClockNanos } from "./time/rtc";
export { chacha20Block } from "./random/chacha20";
export { randomFill } from "./random/generator";
export { randomScratch } from "./random/scratch";
