// Turns the machine off through the power interface (ACPI S5; QEMU exits).
// Not started at boot: start=shutdown on the kernel command line runs it
// once the others have been started.
import { call } from "../../interfaces/as/atoll";
import * as log from "../../interfaces/as/log";
import * as power from "../../interfaces/as/generated/power";

export function _start(): void {
  log.info("shutdown: powering off");
  const answer = call(power.INTERFACE, power.encodePoweroff());
  // Only a failure answers: a machine that powered off runs nothing more.
  log.error("shutdown: " + (answer.isError ? answer.error : "the machine is still running"));
}
