// Serves the "echo" interface: answers each message with the bytes it carried.
import { call, nextEvent, sameInterface } from "../../interfaces/as/atoll";
import * as echo from "../../interfaces/as/generated/echo";
import * as registry from "../../interfaces/as/generated/registry";
import * as log from "../../interfaces/as/log";

export function _start(): void {
  const registered = call(registry.INTERFACE, registry.encodeRegister(echo.INTERFACE));
  if (registered.isError) {
    log.error("echo: cannot register: " + registered.error);
    return;
  }
  log.info("echo: serving");
  for (;;) {
    const m = nextEvent().message;
    if (m === null || !sameInterface(m.iface, echo.INTERFACE)) continue;
    const request = echo.decodeEcho(m.payload);
    if (request === null) m.fail("malformed echo message");
    else m.answer(echo.encodeEchoAnswer(request.data));
  }
}
