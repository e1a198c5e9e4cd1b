// Text for people through the `console` interface: print, read a line
// (edited and with history, by the console), read a key.
import { call } from "./atoll";
import * as consoleInterface from "./generated/console";

/** Writes text as it is; false when no console took it. */
export function print(text: string): bool {
  return !call(consoleInterface.INTERFACE, consoleInterface.encodeWrite(text)).isError;
}

export function println(text: string): bool {
  return print(text + "\n");
}

/** Shows `prompt` and waits for a line; null when there is no console to read from. */
export function readLine(prompt: string): string | null {
  const answer = call(consoleInterface.INTERFACE, consoleInterface.encodeReadLine(prompt));
  if (answer.isError) return null;
  const decoded = consoleInterface.decodeReadLineAnswer(answer.payload);
  if (decoded === null) return null;
  return decoded.line;
}

/** Characters per line and lines on the screen (80 x 25 when the console does not say). */
export function size(): StaticArray<u32> {
  const answer = call(consoleInterface.INTERFACE, consoleInterface.encodeSize());
  if (!answer.isError) {
    const decoded = consoleInterface.decodeSizeAnswer(answer.payload);
    if (decoded !== null) return [decoded.columns, decoded.rows];
  }
  return [80, 25];
}
