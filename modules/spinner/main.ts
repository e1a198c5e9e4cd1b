// Computes forever without another system call: the scheduler's fuel must
// keep it from delaying anyone else. Not started by default; boot with
// `start=spinner` on the kernel command line to watch the others carry on.
import * as log from "../../interfaces/as/log";

let counter: u64 = 0;

export function _start(): void {
  log.info("spinner: spinning forever");
  for (;;) counter++;
}
