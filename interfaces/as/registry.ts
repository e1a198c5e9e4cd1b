// The registry's list of interfaces, whole: registry.list answers one page
// at a time (each fits one message), and this asks page after page.
import { Answer, call } from "./atoll";
import * as registry from "./generated/registry";

/** Every interface the kernel knows of or a process handles, or the error that stopped the listing. */
export class InterfaceList {
  constructor(public list: registry.ListAnswer | null, public error: string) {}
}

export function listInterfaces(): InterfaceList {
  const all = new registry.ListAnswer();
  let start: u32 = 0;
  do {
    const answer: Answer = call(registry.INTERFACE, registry.encodeList(start));
    if (answer.isError) return new InterfaceList(null, answer.error);
    const page = registry.decodeListAnswer(answer.payload);
    if (page === null) return new InterfaceList(null, "malformed registry.list answer");
    all.interfaces = all.interfaces.concat(page.interfaces);
    all.names = all.names.concat(page.names);
    all.handlers = all.handlers.concat(page.handlers);
    all.kernel = all.kernel.concat(page.kernel);
    // A cursor that does not move on would ask forever.
    if (page.next != 0 && page.next <= start) return new InterfaceList(null, "registry.list did not move on");
    start = page.next;
  } while (start != 0);
  return new InterfaceList(all, "");
}
