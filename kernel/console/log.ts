// Kernel log: levelled, timestamped lines on every console.
import { Colour } from "./colour";
import { setColour, startLine, write, writeCodePoint, writeDecimal } from "./output";
import { recordLine } from "./recent";
import { nanosSinceEntry } from "../time/tsc";

export const enum Level {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
}

let threshold = Level.Info;

export function setLogLevel(level: Level): void {
  threshold = level;
}

/** Parses "debug", "info", "warn" or "error"; -1 for anything else. */
export function parseLevel(name: string): i32 {
  if (name == "debug") return Level.Debug;
  if (name == "info") return Level.Info;
  if (name == "warn") return Level.Warn;
  if (name == "error") return Level.Error;
  return -1;
}

const TAGS: StaticArray<string> = ["debug", "info ", "warn ", "error"];
const COLOURS: StaticArray<Colour> = [Colour.DarkGrey, Colour.LightGrey, Colour.Yellow, Colour.LightRed];

export function debug(message: string): void {
  logLine(Level.Debug, message);
}
export function info(message: string): void {
  logLine(Level.Info, message);
}
export function warn(message: string): void {
  logLine(Level.Warn, message);
}
export function error(message: string): void {
  logLine(Level.Error, message);
}

export function logLine(level: Level, message: string): void {
  if (level < threshold) return;
  beginLine(level);
  write(message);
  endLine();
  recordLine(level, message);
}

/** Starts a line "[seconds.micros] level " for callers that write in parts. */
export function beginLine(level: Level): void {
  const micros = nanosSinceEntry() / 1000;
  startLine();
  setColour(COLOURS[<i32>level]);
  writeCodePoint(0x5b);
  writeDecimal(micros / 1_000_000, 5);
  writeCodePoint(0x2e);
  writeDecimal(micros % 1_000_000, 6, 0x30);
  write("] ");
  write(TAGS[<i32>level]);
  writeCodePoint(0x20);
}

export function endLine(): void {
  writeCodePoint(0x0a);
  setColour(Colour.LightGrey);
}
