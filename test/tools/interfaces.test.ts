import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { parseDefinition } from "../../tools/interfaces/definition.ts";
import { canonicalForm, interfaceHashHex } from "../../tools/interfaces/hash.ts";
import { loadDefinitions } from "../../tools/interfaces/catalog.ts";

const BASE = `# A counter.
interface counter

# Adds to the count.
message add(amount: u32)
message read() -> (value: u64, names: list<string>)
`;

const hash = (text: string) => interfaceHashHex(parseDefinition(text, "test.interface"));

describe("interface definitions", () => {
  it("parse into messages with ordinals, fields and answers", () => {
    const def = parseDefinition(BASE, "counter.interface");
    assert.equal(def.name, "counter");
    assert.deepEqual(
      def.messages.map((m) => [m.ordinal, m.name, m.fields.length, m.answer?.length ?? null]),
      [[0, "add", 1, null], [1, "read", 0, 2]],
    );
    assert.equal(canonicalForm(def), "atoll-interface 1\ninterface counter\nmessage 0 add(u32)\nmessage 1 read() -> (u64,list<string>)\n");
  });

  it("hash the same when only comments, spacing or field names change", () => {
    const reworded = BASE.replace("# Adds to the count.", "# Increments.").replace("amount: u32", "delta :  u32").replace("value: u64", "total: u64");
    assert.equal(hash(reworded), hash(BASE));
  });

  it("hash differently when any layout changes", () => {
    const variants = [
      BASE.replace("amount: u32", "amount: u64"),
      BASE.replace("add(amount: u32)", "add(amount: u32, again: bool)"),
      BASE.replace("add(amount: u32)", "add(amount: u32) -> ()"),
      BASE.replace("-> (value: u64, names: list<string>)", "-> (value: u64)"),
      BASE.replace("interface counter", "interface tally"),
      BASE.replace("message add", "message plus"),
      BASE.replace(/message add.*\nmessage read.*\n/, "message read() -> (value: u64, names: list<string>)\nmessage add(amount: u32)\n"),
    ];
    const hashes = new Set([hash(BASE), ...variants.map(hash)]);
    assert.equal(hashes.size, variants.length + 1);
  });

  it("reject malformed definitions with the file and line", () => {
    const bad: [string, RegExp][] = [
      ["message a()\n", /test\.interface:1: 'interface NAME' must come first/],
      ["interface x\nmessage a(n: u128)\n", /test\.interface:2: unknown type 'u128'/],
      ["interface x\nmessage a()\nmessage a()\n", /:3: message 'a' declared twice/],
      ["interface x\nmessage a(n: u8, n: u8)\n", /field 'n' declared twice/],
      ["interface X\n", /interface name 'X' must be lowercase/],
      ["interface x\n", /interface 'x' has no messages/],
      ["interface x\nmessage a(u8)\n", /expected 'name: type'/],
      ["interface x\ninterface y\n", /a file defines one interface/],
      ["interface x\nmessages a()\n", /expected 'interface NAME' or 'message/],
      ["# only a comment\n", /no 'interface NAME' line/],
    ];
    for (const [text, error] of bad) assert.throws(() => parseDefinition(text, "test.interface"), error, text);
  });

  it("the definitions in interfaces/ all parse and have distinct hashes", () => {
    const defs = loadDefinitions();
    assert.ok(defs.some((d) => d.name === "log"));
    assert.ok(defs.some((d) => d.name === "registry"));
    assert.equal(new Set(defs.map(interfaceHashHex)).size, defs.length);
  });

  it("npx atoll interfaces lists them with their hashes", () => {
    const r = spawnSync("node_modules/.bin/atoll", ["interfaces"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    for (const def of loadDefinitions()) assert.match(r.stdout, new RegExp(`^${interfaceHashHex(def)}  ${def.name}$`, "m"));
    const bad = spawnSync("node_modules/.bin/atoll", ["interfaces", "--frob"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
  });
});
