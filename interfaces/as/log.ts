// Writing to the system log from a module: log.info("..."), etc. Lines go
// to whichever module handles the "log" interface.
import { emit } from "./atoll";
import * as logInterface from "./generated/log";

function write(level: u8, text: string): void {
  emit(logInterface.INTERFACE, logInterface.encodeWrite(level, text));
}

export function debug(text: string): void {
  write(0, text);
}
export function info(text: string): void {
  write(1, text);
}
export function warn(text: string): void {
  write(2, text);
}
export function error(text: string): void {
  write(3, text);
}
