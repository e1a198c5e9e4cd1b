// Resolves modules/boot.conf into the kernel's boot configuration: module
// names become the CIDs of out/modules/<name>.wasm, interface names (in
// grant= and handles=) become the hashes of interfaces/<name>.interface
// (see kernel/boot/config.ts), kernel-memory= sizes (64K, 48M, 1G) become
// bytes. `run` lines start at boot; `program` lines only declare what
// process.run may start and with which grants.
// Usage: tsx tools/build/mkconfig.ts <boot.conf> <modules dir> <output>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cidOf } from "../identity/cid.ts";
import { loadDefinitions } from "../interfaces/catalog.ts";
import { interfaceHashHex } from "../interfaces/hash.ts";

const UNITS: Record<string, number> = { "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };

// A size such as 65536, 64K, 48M or 1G in bytes; undefined if it is not one.
function bytesOf(size: string): number | undefined {
  const found = /^([1-9][0-9]{0,5})([KMG]?)$/.exec(size);
  return found ? Number(found[1]) * UNITS[found[2]] : undefined;
}

export async function resolveConfig(text: string, modulesDir: string, source: string): Promise<string> {
  const hashes = new Map(loadDefinitions().map((d) => [d.name, interfaceHashHex(d)]));
  const out: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i].replace(/#.*$/, "").trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const fail = (message: string): never => {
      throw new Error(`${source}:${i + 1}: ${message}`);
    };
    if ((words[0] !== "run" && words[0] !== "program") || words.length < 2) fail("expected 'run|program <module> [grant=<interface>,...] [handles=<interface>,...] [kernel-memory=<size>] [arg=<text>...]'");
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(modulesDir, `${words[1]}.wasm`));
    } catch {
      return fail(`no module '${words[1]}' (looked for ${join(modulesDir, words[1] + ".wasm")})`);
    }
    const line = [`${words[0]} ${await cidOf(bytes)} name=${words[1]}`];
    for (const setting of words.slice(2)) {
      const [key, list] = setting.split("=", 2);
      if (key === "arg" && list !== undefined) {
        line.push(setting);
        continue;
      }
      if (key === "kernel-memory" && list !== undefined) {
        line.push(`${key}=${bytesOf(list) ?? fail(`kernel-memory wants a size like 64K, 48M or 1G, not '${list}'`)}`);
        continue;
      }
      if ((key !== "grant" && key !== "handles") || list === undefined) fail(`unknown setting '${setting}'`);
      const resolved = list.split(",").map((name) => hashes.get(name) ?? fail(`no interface '${name}' in interfaces/`));
      line.push(`${key}=${resolved.join(",")}`);
    }
    out.push(line.join(" "));
  }
  return out.join("\n") + "\n";
}

if (process.argv[1]?.endsWith("mkconfig.ts")) {
  const [conf, modulesDir, output] = process.argv.slice(2);
  if (!conf || !modulesDir || !output) {
    console.error("usage: mkconfig.ts <boot.conf> <modules dir> <output>");
    process.exit(2);
  }
  try {
    writeFileSync(output, await resolveConfig(readFileSync(conf, "utf8"), modulesDir, conf));
  } catch (e) {
    console.error(`mkconfig: ${(e as Error).message}`);
    process.exit(1);
  }
}
