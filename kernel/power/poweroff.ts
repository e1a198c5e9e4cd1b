// Soft off through ACPI S5: write SLP_TYPa (and SLP_TYPb) with SLP_EN into
// the PM1 control registers the FADT names, after switching the chipset
// into ACPI mode if the firmware left it in legacy mode.
import { outb } from "../arch/hw";
import { acpi } from "../acpi/acpi";
import { Fadt } from "../acpi/fadt";
import { GenericAddress } from "../acpi/gas";
import * as log from "../console/log";
import { delayMs } from "../time/tsc";

const SCI_ENABLED: u32 = 1;
const SLEEP_TYPE_SHIFT: u32 = 10;
const SLEEP_TYPE_MASK: u32 = 7 << 10;
const SLEEP_ENABLE: u32 = 1 << 13;
const ACPI_MODE_WAIT_MS: u64 = 300;
const POWER_OFF_WAIT_MS: u64 = 500;

function enableAcpiMode(fadt: Fadt): bool {
  if (fadt.pm1aControl.read() & SCI_ENABLED) return true;
  if (fadt.smiCommand == 0 || fadt.acpiEnable == 0) return false;
  outb(fadt.smiCommand, fadt.acpiEnable);
  for (let ms: u64 = 0; ms < ACPI_MODE_WAIT_MS; ms++) {
    if (fadt.pm1aControl.read() & SCI_ENABLED) return true;
    delayMs(1);
  }
  return false;
}

function requestSleep(control: GenericAddress, sleepType: u32): void {
  control.write((control.read() & ~SLEEP_TYPE_MASK) | (sleepType << SLEEP_TYPE_SHIFT) | SLEEP_ENABLE);
}

/** Powers the machine off; returns only on failure, with the reason. */
function enterS5(): string {
  const info = acpi();
  const fadt = info.fadt;
  const s5 = info.s5;
  if (fadt == null) return "no FADT";
  if (s5 == null) return "no _S5 sleep type";
  if (!fadt.pm1aControl.accessible) return "PM1a control block " + fadt.pm1aControl.toString() + " is not usable";
  if (!enableAcpiMode(fadt)) return "the chipset did not switch to ACPI mode";
  requestSleep(fadt.pm1aControl, s5.a);
  if (fadt.pm1bControl.accessible) requestSleep(fadt.pm1bControl, s5.b);
  delayMs(POWER_OFF_WAIT_MS);
  return "the machine is still running after the S5 request";
}

/** Powers the machine off; returns (and logs) why not when it could not. */
export function poweroff(): string {
  log.info("poweroff: entering ACPI S5");
  const problem = "poweroff failed: " + enterS5();
  log.error(problem);
  return problem;
}
