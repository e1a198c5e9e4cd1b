// The `atoll` command for module authors: `npx atoll cid|interfaces|run ...`.
import { readFileSync } from "node:fs";
import { cidOf } from "../identity/cid.ts";
import { loadDefinitions } from "../interfaces/catalog.ts";
import { canonicalForm, interfaceHashHex } from "../interfaces/hash.ts";
import { atollRun } from "../hosted/run.ts";

const USAGE = `usage: atoll <command> [arguments]
  cid FILE...              print the content identifier (CIDv1, raw, sha2-256) of each file
  interfaces [--canonical] list the interfaces in interfaces/ with their hashes
  run [options] MODULE...  run modules (files or CIDs) on the hosted kernel; see atoll run --help`;

async function cid(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error(`atoll cid: name at least one file\n${USAGE}`);
    return 2;
  }
  let status = 0;
  for (const file of files) {
    try {
      const id = await cidOf(readFileSync(file));
      console.log(files.length > 1 ? `${id}  ${file}` : id);
    } catch (e) {
      console.error(`atoll cid: ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
      status = 1;
    }
  }
  return status;
}

function interfaces(args: string[]): number {
  const canonical = args[0] === "--canonical";
  if (args.length > (canonical ? 1 : 0)) {
    console.error(`atoll interfaces: unexpected argument '${args[canonical ? 1 : 0]}'\n${USAGE}`);
    return 2;
  }
  try {
    for (const def of loadDefinitions()) {
      console.log(`${interfaceHashHex(def)}  ${def.name}`);
      if (canonical) console.log(canonicalForm(def).replace(/^/gm, "    ").trimEnd());
    }
    return 0;
  } catch (e) {
    console.error(`atoll interfaces: ${(e as Error).message}`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "cid") return cid(rest);
  if (command === "interfaces") return interfaces(rest);
  if (command === "run") return atollRun(rest);
  if (command === "--help" || command === "help") {
    console.log(USAGE);
    return 0;
  }
  console.error(command ? `atoll: unknown command '${command}'\n${USAGE}` : USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
