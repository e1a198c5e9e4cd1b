// A module's own process: its arguments and its exit status.
import { call, emit } from "./atoll";
import * as processInterface from "./generated/process";

/** The arguments this process was started with. */
export function args(): string[] {
  const answer = call(processInterface.INTERFACE, processInterface.encodeArguments());
  if (answer.isError) return [];
  const decoded = processInterface.decodeArgumentsAnswer(answer.payload);
  if (decoded === null) return [];
  return decoded.arguments;
}

/** Ends this process with `status`; it does not return. */
export function exit(status: i32): void {
  emit(processInterface.INTERFACE, processInterface.encodeExit(status));
  unreachable();
}

/** How process.list's state reads: 0 runnable, 1 waiting. */
export function stateName(state: u8): string {
  return state == 0 ? "run" : "wait";
}
