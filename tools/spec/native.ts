// Runs spec scripts on the native build of the engine (out/engine/atoll-run,
// through wasm2c and gcc): the whole script goes to one `atoll-run --batch`
// process as a list of commands, and each answer line is checked with the
// same rules as the hosted runner.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import {
  ScriptResult, assembleText, checkResults, countOutcome, emptyResult, expectedFailure, toSlot,
} from "./run.ts";
import { Action, Command, convert, readCommands } from "./wast.ts";

export const ATOLL_RUN = resolve(import.meta.dirname, "../../out/engine/atoll-run");

/** The scripts that prove the C lowering keeps Wasm's numeric semantics. */
export const NUMERIC_SCRIPTS = [
  "i32", "i64", "f32", "f64", "conversions", "float_exprs", "float_misc", "float_memory",
];

/** A batch line, and how to judge its answer (null when it passes). */
interface Step {
  command: Command;
  line: string | null;
  judge: (answer: string) => string | null;
}

function hexName(name: string): string {
  return "x" + Buffer.from(name, "utf8").toString("hex");
}

function actionLine(a: Action): string {
  const target = a.module ?? "-";
  if (a.type === "get") return `get ${target} ${hexName(a.field)}`;
  const args = (a.args ?? []).map((v) => BigInt.asUintN(64, toSlot(v)).toString(16));
  return ["invoke", target, hexName(a.field), ...args].join(" ");
}

function resultsOf(answer: string): bigint[] {
  return answer.split(" ").slice(1).map((h) => BigInt("0x" + h));
}

function step(c: Command, dir: string, scratch: string): Step {
  const okOnly = (answer: string) => (answer === "ok" ? null : answer);
  switch (c.type) {
    case "module":
      return { command: c, line: `module ${c.name ?? "-"} ${join(dir, c.filename!)}`, judge: okOnly };
    case "register":
      return { command: c, line: `register ${c.name ?? "-"} ${hexName(c.as!)}`, judge: okOnly };
    case "action":
      return { command: c, line: actionLine(c.action!), judge: (a) => (a.startsWith("ok") ? null : a) };
    case "assert_return":
      return {
        command: c, line: actionLine(c.action!),
        judge: (a) => (a.startsWith("ok") ? checkResults(c.expected ?? [], resultsOf(a)) : a),
      };
    case "assert_trap": case "assert_exhaustion":
      return {
        command: c, line: actionLine(c.action!),
        judge: (a) => (a.startsWith(`trap ${c.text}`) ? null : `answered "${a}", expected trap "${c.text}"`),
      };
  }
  return rejectionStep(c, dir, scratch);
}

function rejectionStep(c: Command, dir: string, scratch: string): Step {
  let file = join(dir, c.filename!);
  if (c.module_type === "text") {
    const binary = assembleText(file);
    if (binary === null) return { command: c, line: null, judge: () => null };
    file = join(scratch, `${c.line}.wasm`);
    writeFileSync(file, binary);
  }
  const wanted = expectedFailure(c);
  return {
    command: c, line: `module - ${file}`,
    judge: (a) => (a.startsWith(`${wanted} `) ? null : `answered "${a}", expected ${wanted} "${c.text}"`),
  };
}

/** Runs one script on the native engine. */
export function runScriptNative(script: string): ScriptResult {
  const json = convert(script);
  const scratch = mkdtempSync(join(tmpdir(), "atoll-spec-"));
  try {
    const steps = readCommands(json).map((c) => step(c, dirname(json), scratch));
    const input = steps.filter((s) => s.line !== null).map((s) => s.line).join("\n") + "\n";
    const answers = execFileSync(ATOLL_RUN, ["--batch"], { input, maxBuffer: 1 << 28 }).toString().split("\n");
    const result = emptyResult(basename(script, ".wast"));
    let next = 0;
    for (const s of steps) {
      const answer = s.line === null ? "" : answers[next++] ?? "no answer";
      countOutcome(result, s.command.type, s.judge(answer), s.command.line);
    }
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
