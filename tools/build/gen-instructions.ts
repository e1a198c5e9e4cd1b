// Generates the engine's code from its table of simple instructions
// (kernel/wasm/instructions.table): instructions.generated.ts, the opcode
// constants by mnemonic and the signatures the compiler validates against,
// and dispatch.generated.ts, the hand-written dispatch loop
// (dispatch.template.ts) with a case per instruction pasted in at its
// marker line: AssemblyScript has no macros, and one switch in one function
// is the fastest dispatch it compiles to.
// Usage: tsx tools/build/gen-instructions.ts DIR (the kernel/wasm folder)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Numeric {
  kind: "numeric";
  code: number;
  mnemonic: string;
  operands: string[];
  result: string;
  expression: string;
  traps: { condition: string; kind: string }[];
  fused: { form: string; code: number }[];
}

interface Access {
  kind: "load" | "store";
  code: number;
  mnemonic: string;
  /** The Wasm value type loaded or stored. */
  value: string;
  /** The width and signedness in memory. */
  memory: string;
}

type Instruction = Numeric | Access;

const VALUE_TYPE: Record<string, string> = { i32: "I32", u32: "I32", bool: "I32", i64: "I64", u64: "I64", f32: "F32", f64: "F64" };
/** Bytes and slot type of each memory width; floats move as their bits. */
const MEMORY: Record<string, { bytes: number; slot: string }> = {
  i8: { bytes: 1, slot: "i8" }, u8: { bytes: 1, slot: "u8" }, i16: { bytes: 2, slot: "i16" }, u16: { bytes: 2, slot: "u16" },
  i32: { bytes: 4, slot: "i32" }, u32: { bytes: 4, slot: "u32" }, i64: { bytes: 8, slot: "i64" },
};
const BITS: Record<string, string> = { i32: "i32", i64: "i64", f32: "i32", f64: "i64" };

function fail(line: number, message: string): never {
  throw new Error(`instructions.table:${line}: ${message}`);
}

function parseAccess(words: string[], line: number): Access {
  const [code, mnemonic, kind, from, arrow, to] = words;
  if (words.length != 6 || arrow != "->" || (kind != "load" && kind != "store")) fail(line, "expected CODE NAME load|store A -> B");
  const value = kind == "load" ? to : from;
  const memory = kind == "load" ? from : to;
  if (!(memory in MEMORY) || !(value in BITS)) fail(line, `unknown type in ${words.join(" ")}`);
  return { kind, code: Number(code), mnemonic, value, memory };
}

function parseNumeric(text: string, line: number): Numeric {
  const [head, ...clauses] = text.split(/\s+@/);
  const eq = head.indexOf(" = ");
  if (eq < 0) fail(line, "expected '= EXPRESSION'");
  const words = head.slice(0, eq).trim().split(/\s+/);
  const arrow = words.indexOf("->");
  if (arrow < 0 || arrow != words.length - 2) fail(line, "expected OPERANDS -> RESULT");
  const operands = words.slice(2, arrow);
  const result = words[arrow + 1];
  for (const t of [...operands, result]) if (!(t in VALUE_TYPE)) fail(line, `unknown type ${t}`);
  if (operands.length < 1 || operands.length > 2) fail(line, "one or two operands");
  const ins: Numeric = {
    kind: "numeric", code: Number(words[0]), mnemonic: words[1], operands, result,
    expression: head.slice(eq + 3).trim(), traps: [], fused: [],
  };
  for (const clause of clauses) {
    const trap = /^if (.*) trap ([A-Z_]+)$/.exec(clause);
    const fuse = /^fuse (br_if|br_if_const|const) (0x[0-9a-f]+)$/.exec(clause);
    if (trap) ins.traps.push({ condition: trap[1], kind: trap[2] });
    else if (fuse) ins.fused.push({ form: fuse[1], code: Number(fuse[2]) });
    else fail(line, `unknown clause @${clause}`);
  }
  return ins;
}

function parse(text: string): Instruction[] {
  const out: Instruction[] = [];
  const codes = new Set<number>();
  const claim = (code: number, line: number): void => {
    if (!(code >= 0 && code <= 0xff) || codes.has(code)) fail(line, `bad or repeated code ${code}`);
    codes.add(code);
  };
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line == "" || line.startsWith("#")) return;
    const words = line.split(/\s+/);
    const ins = words[2] == "load" || words[2] == "store" ? parseAccess(words, i + 1) : parseNumeric(line, i + 1);
    claim(ins.code, i + 1);
    if (ins.kind == "numeric") for (const f of ins.fused) claim(f.code, i + 1);
    out.push(ins);
  });
  return out;
}

const hex = (n: number): string => "0x" + n.toString(16).padStart(2, "0");
const constantName = (mnemonic: string): string => mnemonic.toUpperCase().replace(/\./g, "_");
const slotType = (t: string): string => (t == "bool" ? "i32" : t);

function resultValue(ins: Numeric): string {
  return ins.result == "bool" ? `<i32>(${ins.expression})` : ins.expression;
}

function trapChecks(ins: Numeric): string {
  return ins.traps.map((t) => `if (${t.condition}) return t.trapAt(ip, fp, TRAP_${t.kind}); `).join("");
}

/** The case of a numeric instruction: [a, (b,) result]. */
function numericCase(ins: Numeric): string {
  const [ta, tb] = ins.operands;
  const a = `const a = load<${ta}>(fp + load<u32>(ip, 4)); `;
  const b = tb === undefined ? "" : `const b = load<${tb}>(fp + load<u32>(ip, 8)); `;
  const resultAt = 4 * (ins.operands.length + 1);
  const body = `${a}${b}${trapChecks(ins)}store<${slotType(ins.result)}>(fp + load<u32>(ip, ${resultAt}), ${resultValue(ins)}); ip += ${resultAt + 4}; break;`;
  return `      case ${hex(ins.code)}: { ${body} } // ${ins.mnemonic}`;
}

/** Fused forms: [a, b or constant, target] branches, [a, constant, result] computations. */
function fusedCase(ins: Numeric, form: string, code: number): string {
  const [ta, tb] = ins.operands;
  const a = `const a = load<${ta}>(fp + load<u32>(ip, 4)); `;
  const b = form == "br_if" ? `const b = load<${tb}>(fp + load<u32>(ip, 8)); ` : `const b = load<${tb}>(ip, 8); `;
  const body = form == "const"
    ? `store<${slotType(ins.result)}>(fp + load<u32>(ip, 12), ${resultValue(ins)}); ip += 16; break;`
    : `ip = ${ins.expression} ? jump(thread, ip, code + load<i32>(ip, 12), fp) : ip + 16; if (ip == 0) return THREAD_OUT_OF_FUEL; break;`;
  return `      case ${hex(code)}: { ${a}${b}${body} } // ${ins.mnemonic} ${form}`;
}

/** Loads: [address, offset, result]; stores: [address, value, offset]. */
function accessCase(ins: Access): string {
  const m = MEMORY[ins.memory];
  const offsetAt = ins.kind == "load" ? 8 : 12;
  const ea = `const ea = <u64>load<u32>(fp + load<u32>(ip, 4)) + <u64>load<u32>(ip, ${offsetAt}); `;
  const check = `if (ea + ${m.bytes} > memLen) return t.trapAt(ip, fp, TRAP_MEMORY_BOUNDS); `;
  const move = ins.kind == "load"
    ? `store<${BITS[ins.value]}>(fp + load<u32>(ip, 12), load<${m.slot}>(memBase + <usize>ea));`
    : `store<${m.slot}>(memBase + <usize>ea, load<${m.slot}>(fp + load<u32>(ip, 8)));`;
  return `      case ${hex(ins.code)}: { ${ea}${check}${move} ip += 16; break; } // ${ins.mnemonic}`;
}

/** Cases grouped by the literal each returns. */
function groupedSwitch(name: string, doc: string, returns: string, entries: [number, string][], fallback: string): string {
  const groups = new Map<string, number[]>();
  for (const [code, value] of entries) groups.set(value, [...(groups.get(value) ?? []), code]);
  const cases = [...groups].map(([value, codes]) => `    ${codes.map((c) => `case ${hex(c)}:`).join(" ")} return ${value};`);
  return [`/** ${doc} */`, `export function ${name}(code: u32): ${returns} {`, "  switch (code) {", ...cases, "  }", `  return ${fallback};`, "}"].join("\n");
}

/** The dispatch cases of every instruction of the table, fused forms included. */
function cases(table: Instruction[]): string[] {
  const numeric = table.filter((i): i is Numeric => i.kind == "numeric");
  return [
    ...table.filter((i): i is Access => i.kind != "numeric").map(accessCase),
    ...numeric.map(numericCase),
    ...numeric.flatMap((i) => i.fused.map((f) => fusedCase(i, f.form, f.code))),
  ];
}

const MARKER = /^ *\/\/ @instructions:.*$/m;

function dispatch(template: string, table: Instruction[]): string {
  if (!MARKER.test(template)) throw new Error("dispatch.template.ts: no '// @instructions:' line");
  const header = "// Generated by tools/build/gen-instructions.ts from dispatch.template.ts and instructions.table; do not edit.\n";
  return header + template.replace(MARKER, () => cases(table).join("\n"));
}

function definitions(table: Instruction[]): string {
  const numeric = table.filter((i): i is Numeric => i.kind == "numeric");
  const access = table.filter((i): i is Access => i.kind != "numeric");
  const signature = (i: Numeric): string => {
    const [a, b] = i.operands;
    return `[${VALUE_TYPE[a]}, ${b === undefined ? 0 : VALUE_TYPE[b]}, ${VALUE_TYPE[i.result]}]`;
  };
  return [
    "// Generated by tools/build/gen-instructions.ts from kernel/wasm/instructions.table; do not edit.",
    "// The simple instructions' opcodes by mnemonic, and their types for the compiler.",
    'import { F32, F64, I32, I64 } from "./types";',
    "",
    ...table.map((i) => `export const ${constantName(i.mnemonic)}: u32 = ${hex(i.code)};`),
    ...numeric.flatMap((i) => i.fused.map((f) => `export const ${constantName(i.mnemonic)}_${f.form.toUpperCase()}: u32 = ${hex(f.code)};`)),
    "",
    groupedSwitch("signature", "Operand and result types of a numeric instruction: [in1, in2, out], in2 zero when unary.",
      "StaticArray<u8>", numeric.map((i) => [i.code, signature(i)]), "[]"),
    "",
    groupedSwitch("accessLog2", "log2 of the natural alignment of a load or store.", "u32",
      access.map((i) => [i.code, String(Math.log2(MEMORY[i.memory].bytes))]), "0"),
    "",
    groupedSwitch("accessType", "The value type a load produces or a store consumes.", "u8",
      access.map((i) => [i.code, VALUE_TYPE[i.value]]), "0"),
    "",
  ].join("\n");
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: gen-instructions.ts DIR");
const table = parse(readFileSync(join(dir, "instructions.table"), "utf8"));
writeFileSync(join(dir, "instructions.generated.ts"), definitions(table));
writeFileSync(join(dir, "dispatch.generated.ts"), dispatch(readFileSync(join(dir, "dispatch.template.ts"), "utf8"), table));
