// The "power" interface: a granted process turns the machine off or
// restarts it, the same way the poweroff and reboot command-line options
// do. Success never answers (the machine is gone); failure answers with
// the reason and the system keeps running.
import * as power from "../../interfaces/as/generated/power";
import { Message } from "../ipc/message";
import { POWER_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { kernelRefuse } from "../ipc/router";
import { Process } from "../ipc/process";
import * as log from "../console/log";
import { poweroff } from "./poweroff";
import { reboot } from "./reboot";

/** reboot(method) numbers these, in the order power.interface lists them. */
const REBOOT_METHODS: StaticArray<string> = ["", "acpi", "8042", "triple"];

function handlePower(sender: Process, m: Message): void {
  const rebootRequest = power.decodeReboot(m.payload);
  if (power.decodePoweroff(m.payload) !== null) {
    log.info("power: poweroff asked by process " + sender.pid.toString() + " (" + sender.name + ")");
    kernelRefuse(sender, m, poweroff());
  } else if (rebootRequest !== null && <i32>rebootRequest.method < REBOOT_METHODS.length) {
    log.info("power: reboot asked by process " + sender.pid.toString() + " (" + sender.name + ")");
    kernelRefuse(sender, m, reboot(REBOOT_METHODS[rebootRequest.method]));
  } else kernelRefuse(sender, m, "malformed power message");
}

export const service = new KernelService(POWER_INTERFACE, handlePower);
