// The AssemblyScript example module: greets on the console, followed by the
// arguments it was started with, if any.
import { println } from "../../interfaces/as/console";
import { args } from "../../interfaces/as/process";

export function _start(): void {
  const words = args();
  println("Hello from Atoll!" + (words.length > 0 ? " " + words.join(" ") : ""));
}
