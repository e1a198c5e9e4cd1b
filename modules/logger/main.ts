// Handles the "log" interface: every line any module writes goes to the
// kernel's console, tagged with the writer's process id.
import { call, emit, nextEvent, sameInterface } from "../../interfaces/as/atoll";
import * as kernelLog from "../../interfaces/as/generated/kernel-log";
import * as log from "../../interfaces/as/generated/log";
import * as registry from "../../interfaces/as/generated/registry";

export function _start(): void {
  const registered = call(registry.INTERFACE, registry.encodeRegister(log.INTERFACE));
  if (registered.isError) {
    emit(kernelLog.INTERFACE, kernelLog.encodeWrite(3, "cannot handle log: " + registered.error));
    return;
  }
  for (;;) {
    const event = nextEvent();
    const m = event.message;
    if (m === null || !sameInterface(m.iface, log.INTERFACE)) continue;
    const line = log.decodeWrite(m.payload);
    if (line === null || line.level > 3) {
      if (m.needsAnswer) m.fail("malformed log message");
      continue;
    }
    emit(kernelLog.INTERFACE, kernelLog.encodeWrite(line.level, "[pid " + m.sender.toString() + "] " + line.text));
    if (m.needsAnswer) m.answer(new Uint8Array(0));
  }
}
