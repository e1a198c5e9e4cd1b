// Text for people through whichever module handles the "console" interface:
// console.write("...\n") and console.readLine("prompt> ").
import { Answer, call } from "./atoll";
import * as consoleInterface from "./generated/console";

/** Writes text (blocking until the console has taken it); the answer says whether it could. */
export function write(text: string): Answer {
  return call(consoleInterface.INTERFACE, consoleInterface.encodeWrite(text));
}

/** Shows `prompt` and returns the line typed, or null when the console failed. */
export function readLine(prompt: string): string | null {
  const answer = call(consoleInterface.INTERFACE, consoleInterface.encodeReadLine(prompt));
  if (answer.isError) return null;
  const line = consoleInterface.decodeReadLineAnswer(answer.payload);
  return line !== null ? line.line : null;
}
