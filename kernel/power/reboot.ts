// Reboot, trying the ways in order of politeness: the FADT's reset
// register, the 8042 keyboard controller's reset line, and a triple fault
// (an empty IDT, then an exception), which resets every x86 CPU.
import { inb, loadIdt, outb, peek8 } from "../arch/hw";
import { acpi } from "../acpi/acpi";
import * as log from "../console/log";
import { delayMs } from "../time/tsc";

const I8042_STATUS: u32 = 0x64;
const I8042_INPUT_FULL: u32 = 2;
const I8042_PULSE_RESET: u32 = 0xfe;
const I8042_WAIT_MS: u64 = 100;
const RESET_WAIT_MS: u64 = 500;
// Nothing is mapped this high: reading it faults.
const UNMAPPED: u64 = 0x0dea_d000_0000;
const emptyIdt = memory.data(16, 16);

function resetRegister(): void {
  const fadt = acpi().fadt;
  if (fadt == null || !fadt.resetRegister.present) return;
  if (!fadt.resetRegister.accessible) {
    log.warn("reboot: FADT reset register " + fadt.resetRegister.toString() + " is not usable");
    return;
  }
  log.info("reboot: writing 0x" + fadt.resetValue.toString(16) + " to the FADT reset register " + fadt.resetRegister.toString());
  fadt.resetRegister.write(fadt.resetValue);
  delayMs(RESET_WAIT_MS);
}

function keyboardControllerReset(): void {
  log.info("reboot: pulsing the reset line through the 8042");
  for (let ms: u64 = 0; ms < I8042_WAIT_MS && inb(I8042_STATUS) & I8042_INPUT_FULL; ms++) delayMs(1);
  outb(I8042_STATUS, I8042_PULSE_RESET);
  delayMs(RESET_WAIT_MS);
}

function tripleFault(): void {
  log.info("reboot: triple fault");
  loadIdt(emptyIdt, 0);
  peek8(UNMAPPED);
}

/**
 * Reboots with `method` ("acpi", "8042" or "triple"), or with each in turn
 * when it is "" (the default); anything else is refused with a message.
 * Returns (and logs) why the machine is still running.
 */
export function reboot(method: string): string {
  let problem = "reboot failed: the machine is still running";
  if (method != "" && method != "acpi" && method != "8042" && method != "triple") {
    problem = "reboot: unknown method '" + method + "' (use acpi, 8042 or triple)";
  } else {
    if (method == "" || method == "acpi") resetRegister();
    if (method == "" || method == "8042") keyboardControllerReset();
    if (method == "" || method == "triple") tripleFault();
  }
  log.error(problem);
  return problem;
}
