// `npx atoll run`: runs modules on the hosted native kernel, with the
// logger module handling "log", and prints what they log. Modules are files,
// or CIDs looked up in a store folder (out/modules by default) whose files
// are hashed to find them. Exit status: 0 when every module ended well or
// waits, 1 when one trapped or could not start, 2 for bad arguments.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cidOf } from "../identity.ts";
import { interfaceHash } from "./programs.ts";
import { BootModuleFile, HOSTED_KERNEL, runHosted } from "./image.ts";

const MODULES = new URL("../../out/modules/", import.meta.url).pathname;
const DEFAULT_GRANTS = ["log", "time", "system-time", "random", "registry"];

export const RUN_USAGE = `usage: atoll run [--store DIR] [--grant IFACE,...] [--timeout SECONDS] [--verbose] <file.wasm|cid>...
  runs the modules on the hosted kernel; each may use ${DEFAULT_GRANTS.join(", ")} and the --grant interfaces`;

interface RunOptions {
  store: string;
  grants: string[];
  timeoutSeconds: number;
  verbose: boolean;
  targets: string[];
}

function parse(argv: string[]): RunOptions | string {
  const opts: RunOptions = { store: MODULES, grants: [...DEFAULT_GRANTS], timeoutSeconds: 60, verbose: false, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : null);
    if (a === "--store") opts.store = next() ?? "";
    else if (a === "--grant") opts.grants.push(...(next() ?? "").split(",").filter((g) => g.length > 0));
    else if (a === "--timeout") opts.timeoutSeconds = Number(next());
    else if (a === "--verbose") opts.verbose = true;
    else if (a.startsWith("-")) return `unknown option ${a}`;
    else opts.targets.push(a);
  }
  if (opts.targets.length === 0) return "name at least one module";
  if (!(opts.timeoutSeconds > 0)) return "--timeout wants a number of seconds";
  if (opts.store === "") return "--store wants a folder";
  return opts;
}

async function findInStore(store: string, cid: string): Promise<Uint8Array | null> {
  if (!existsSync(store)) return null;
  for (const file of readdirSync(store).filter((f) => f.endsWith(".wasm"))) {
    const bytes = new Uint8Array(readFileSync(join(store, file)));
    if ((await cidOf(bytes)) === cid) return bytes;
  }
  return null;
}

async function load(target: string, store: string): Promise<BootModuleFile> {
  if (/^bafkrei[a-z2-7]{52}$/.test(target)) {
    const bytes = await findInStore(store, target);
    if (bytes === null) throw new Error(`no module with CID ${target} in ${store}`);
    return { name: target.slice(0, 16), bytes };
  }
  if (!existsSync(target)) throw new Error(`${target}: no such file`);
  return { name: basename(target).replace(/\.wasm$/, ""), bytes: new Uint8Array(readFileSync(target)) };
}

export async function atollRun(argv: string[]): Promise<number> {
  const opts = parse(argv);
  if (typeof opts === "string") {
    console.error(`atoll run: ${opts}\n${RUN_USAGE}`);
    return 2;
  }
  if (!existsSync(HOSTED_KERNEL) || !existsSync(join(MODULES, "logger.wasm"))) {
    console.error("atoll run: the hosted kernel is not built: run make (or npm run build) first");
    return 1;
  }
  let modules: BootModuleFile[];
  let grants: string[];
  try {
    modules = await Promise.all(opts.targets.map((t) => load(t, opts.store)));
    grants = opts.grants.map(interfaceHash);
  } catch (e) {
    console.error(`atoll run: ${(e as Error).message}`);
    return 1;
  }
  const logger = { name: "logger", bytes: new Uint8Array(readFileSync(join(MODULES, "logger.wasm"))) };
  const lines = [`run ${await cidOf(logger.bytes)} name=logger grant=${interfaceHash("registry")},${interfaceHash("kernel-log")} handles=${interfaceHash("log")}`];
  for (const m of modules) lines.push(`run ${await cidOf(m.bytes)} name=${m.name} grant=${grants.join(",")}`);
  const config = { name: "config", bytes: new Uint8Array(Buffer.from(lines.join("\n") + "\n")) };
  const r = runHosted([logger, ...modules, config], "", opts.timeoutSeconds * 1000);
  return report(r.output, r.status, opts.verbose);
}

// Module output is what the logger writes; kernel errors go to stderr (the
// hosted machine's missing hardware makes warnings that say nothing here).
function report(output: string, status: number | null, verbose: boolean): number {
  let failed = status !== 0;
  for (const line of output.split("\n")) {
    const logged = /info {2}logger: \[pid \d+\] (.*)$/.exec(line) ?? /(?:warn |error) logger: \[pid \d+\] (.*)$/.exec(line);
    if (logged) console.log(logged[1]);
    else if (verbose) console.error(line);
    else if (/\] error /.test(line)) console.error(line.replace(/^\[[^\]]*\] /, ""));
    if (/ended: trapped|cannot start/.test(line)) {
      failed = true;
      if (!verbose) console.error(line.replace(/^\[[^\]]*\] info {2}/, ""));
    }
  }
  if (status === null) console.error("atoll run: timed out (the modules still ran); use --timeout to wait longer");
  return failed ? 1 : 0;
}
