// The AssemblyScript example module: greets on the console, followed by the
// arguments it was started with, if any.
import { call } from "../../interfaces/as/atoll";
import * as terminal from "../../interfaces/as/console";
import * as processes from "../../interfaces/as/generated/process";

// The arguments from the process interface; none when it cannot say.
function startArguments(): string[] {
  const answer = call(processes.INTERFACE, processes.encodeArguments());
  if (answer.isError) return [];
  const decoded = processes.decodeArgumentsAnswer(answer.payload);
  return decoded !== null ? decoded.arguments : [];
}

export function _start(): void {
  const args = startArguments();
  terminal.write("Hello from Atoll!" + (args.length > 0 ? " " + args.join(" ") : "") + "\n");
}
