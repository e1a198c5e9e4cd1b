// The shell: reads command lines from the console (which does the editing
// and keeps the history), runs the command or program named, and prints
// what went wrong in words.
import { println, readLine } from "../../interfaces/as/console";
import * as log from "../../interfaces/as/log";
import { Command, COMMANDS, requiredWords } from "./commands";
import { splitWords } from "./words";

const PROMPT = "atoll> ";

function find(name: string): Command | null {
  for (let i = 0; i < COMMANDS.length; i++) if (COMMANDS[i].name == name) return COMMANDS[i];
  return null;
}

function execute(line: string): void {
  const split = splitWords(line);
  if (split.error.length > 0) {
    println(split.error);
    return;
  }
  const words = split.words;
  if (words.length == 0) return;
  const command = find(words[0]);
  if (command === null) {
    println(words[0] + ": unknown command; type help for the list");
    return;
  }
  const args = words.slice(1);
  if (args.length < requiredWords(command)) println("usage: " + command.usage);
  else command.run(args);
}

export function _start(): void {
  println("Atoll shell. Type help for the commands.");
  for (;;) {
    const line = readLine(PROMPT);
    if (line === null) {
      log.error("shell: no console to read from");
      return;
    }
    execute(line);
  }
}
