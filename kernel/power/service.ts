// The "power" interface: a granted process turns the machine off or
// restarts it, the same way the poweroff and reboot command-line options
// do. Success never answers (the machine is gone); failure answers with
// the reason and the system keeps running.
import { POWER_POWEROFF, POWER_REBOOT } from "../ipc/interfaces.generated";
import { Message } from "../ipc/message";
import { kernelRefuse } from "../ipc/router";
import { Process } from "../proc/process";
import * as log from "../console/log";
import { poweroff } from "./poweroff";
import { reboot } from "./reboot";

/** reboot(method) numbers these, in the order power.interface lists them. */
const REBOOT_METHODS: StaticArray<string> = ["", "acpi", "8042", "triple"];

export function handlePower(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 1 && p[0] == POWER_POWEROFF) {
    log.info("power: poweroff asked by process " + sender.pid.toString() + " (" + sender.name + ")");
    kernelRefuse(sender, m, poweroff());
  } else if (p.length == 2 && p[0] == POWER_REBOOT && <i32>p[1] < REBOOT_METHODS.length) {
    log.info("power: reboot asked by process " + sender.pid.toString() + " (" + sender.name + ")");
    kernelRefuse(sender, m, reboot(REBOOT_METHODS[p[1]]));
  } else kernelRefuse(sender, m, "malformed power message");
}
