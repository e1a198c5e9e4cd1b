// `npx atoll run`: runs modules on the hosted kernel, with the logger module
// handling "log" and, when built, the console module handling "console" on
// the terminal (COM1 is this terminal), or other handlers named with
// --handler. Modules are files, or CIDs found in the store folder (files
// named <cid>.wasm; every file run is added to it) or among the built
// modules. The run ends when the first module ends, with its exit status;
// 1 when it trapped, was killed or could not start, or the kernel panicked
// (whatever the modules did before), 2 for bad arguments.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cidOf } from "../identity/cid.ts";
import { interfaceHash } from "./programs.ts";
import { BootModuleFile, HOSTED_KERNEL } from "./image.ts";
import { launchInNode, launchNative, RunControl } from "./launch.ts";
import { KERNEL_WASM } from "./machine.ts";
import { LogLine, parseProcessEnd, ProcessEnd, SerialSplitter } from "./output.ts";

const MODULES = new URL("../../out/modules/", import.meta.url).pathname;
const STORE = new URL("../../out/store/", import.meta.url).pathname;
const DEFAULT_GRANTS = ["log", "time", "system-time", "random", "registry", "console", "process"];
/** What a handler may use: the hardware (a console drives the UART) and the kernel's log. */
const HANDLER_GRANTS = ["registry", "log", "kernel-log", "hardware", "time", "system-time", "random"];
/** Handlers started unless --handler names another; skipped when not built. */
const DEFAULT_HANDLERS: Record<string, string> = { console: join(MODULES, "console.wasm") };

export const RUN_USAGE = `usage: atoll run [options] <file.wasm|cid>... [-- arguments]
  runs the modules on the hosted kernel until the first one ends, and exits with its status;
  the words after -- are the first module's arguments
  --handler IFACE=MODULE  start MODULE (file or CID) as the handler of IFACE (default console=${DEFAULT_HANDLERS.console})
  --grant IFACE,...       also grant these to the modules (they have ${DEFAULT_GRANTS.join(", ")})
  --store DIR             the folder of modules named <cid>.wasm (default ${STORE})
  --node                  run out/kernel.wasm in Node even when the native hosted kernel is built
  --timeout SECONDS       end the run after this long (default 60 when standard input is not a terminal)
  --cmdline TEXT          the kernel command line (see the README: log=debug, fault=abort, ...)
  --verbose               show the whole kernel log on stderr`;

interface RunOptions {
  store: string;
  grants: string[];
  handlers: Map<string, string>;
  timeoutSeconds: number;
  cmdline: string;
  verbose: boolean;
  node: boolean;
  targets: string[];
  args: string[];
}

function parseHandler(text: string, handlers: Map<string, string>): string | null {
  const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(text);
  if (!m) return `--handler wants IFACE=MODULE, not '${text}'`;
  handlers.set(m[1], m[2]);
  return null;
}

export function parseRunOptions(argv: string[]): RunOptions | string {
  const opts: RunOptions = {
    store: STORE, grants: [...DEFAULT_GRANTS], handlers: new Map(Object.entries(DEFAULT_HANDLERS)),
    timeoutSeconds: process.stdin.isTTY ? 0 : 60, cmdline: "", verbose: false, node: false, targets: [], args: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : "");
    let problem: string | null = null;
    if (a === "--") {
      opts.args = argv.slice(i + 1);
      break;
    }
    if (a === "--store") opts.store = next();
    else if (a === "--grant") opts.grants.push(...next().split(",").filter((g) => g.length > 0));
    else if (a === "--handler") problem = parseHandler(next(), opts.handlers);
    else if (a === "--timeout") {
      opts.timeoutSeconds = Number(next());
      if (!(opts.timeoutSeconds > 0)) problem = "--timeout wants a number of seconds";
    }
    else if (a === "--cmdline") opts.cmdline = next();
    else if (a === "--verbose") opts.verbose = true;
    else if (a === "--node") opts.node = true;
    else if (a.startsWith("-")) problem = `unknown option ${a}`;
    else opts.targets.push(a);
    if (problem !== null) return problem;
  }
  if (opts.targets.length === 0) return "name at least one module";
  if (opts.store === "") return "--store wants a folder";
  return opts;
}

const CID = /^bafkrei[a-z2-7]{52}$/;

async function findByCid(cid: string, store: string): Promise<Uint8Array | null> {
  const stored = join(store, `${cid}.wasm`);
  const candidates = existsSync(stored) ? [stored] : [];
  if (existsSync(MODULES)) candidates.push(...readdirSync(MODULES).filter((f) => f.endsWith(".wasm")).map((f) => join(MODULES, f)));
  for (const file of candidates) {
    const bytes = new Uint8Array(readFileSync(file));
    if ((await cidOf(bytes)) === cid) return bytes;
  }
  return null;
}

/** A module from a file (which goes into the store under its CID) or a CID. */
async function load(target: string, store: string): Promise<BootModuleFile> {
  if (CID.test(target)) {
    const bytes = await findByCid(target, store);
    if (bytes === null) throw new Error(`no module with CID ${target} in ${store} or ${MODULES}`);
    return { name: target.slice(0, 16), bytes };
  }
  if (!existsSync(target)) throw new Error(`${target}: no such file`);
  const bytes = new Uint8Array(readFileSync(target));
  mkdirSync(store, { recursive: true });
  copyFileSync(target, join(store, `${await cidOf(bytes)}.wasm`));
  return { name: basename(target).replace(/\.wasm$/, ""), bytes };
}

async function configLine(m: BootModuleFile, grants: string[], handles: string[] = [], args: string[] = []): Promise<string> {
  const handled = handles.length > 0 ? ` handles=${handles.map(interfaceHash).join(",")}` : "";
  const given = args.map((a) => ` arg=${encodeURIComponent(a)}`).join("");
  return `run ${await cidOf(m.bytes)} name=${m.name} grant=${grants.map(interfaceHash).join(",")}${handled}${given}`;
}

/** The boot modules: logger, the handlers, the targets, and the configuration that starts them. */
async function bootModules(opts: RunOptions): Promise<BootModuleFile[]> {
  const logger = { name: "logger", bytes: new Uint8Array(readFileSync(join(MODULES, "logger.wasm"))) };
  const lines = [await configLine(logger, ["registry", "kernel-log"], ["log"])];
  const modules: BootModuleFile[] = [logger];
  for (const [iface, target] of opts.handlers) {
    if (DEFAULT_HANDLERS[iface] === target && !existsSync(target)) continue;
    const handler = await load(target, opts.store);
    lines.push(await configLine(handler, [...HANDLER_GRANTS, ...opts.grants], [iface]));
    modules.push(handler);
  }
  for (const [i, target] of opts.targets.entries()) {
    const m = await load(target, opts.store);
    lines.push(await configLine(m, opts.grants, [], i === 0 ? opts.args : []));
    modules.push(m);
  }
  return [...modules, { name: "config", bytes: new Uint8Array(Buffer.from(lines.join("\n") + "\n")) }];
}

/** What the kernel's panic path writes first (kernel/panic/panic.ts). */
const PANIC_MARK = "*** KERNEL PANIC ***";

/**
 * Follows the kernel log: what modules log goes to stdout, failures to
 * stderr (everything with --verbose), and the first module's end is kept.
 * The console text is watched for a panic, which halts the kernel as
 * quietly as an idle end would.
 */
class Report {
  failed = false;
  panicked = false;
  mainEnd: ProcessEnd | null = null;
  // The end of the console text seen so far, for a mark split over two pieces.
  private tail = "";

  constructor(private mainName: string, private verbose: boolean) {}

  line({ level, text }: LogLine): void {
    const logged = /^logger: \[pid \d+\] (.*)$/.exec(text);
    const end = parseProcessEnd(text);
    if (end !== null && end.name === this.mainName && this.mainEnd === null) this.mainEnd = end;
    const failure = /ended: (trapped|killed)|cannot start/.test(text);
    if (failure) this.failed = true;
    if (logged && level !== "debug") console.log(logged[1]);
    else if (this.verbose) console.error(`${level} ${text}`);
    else if (failure || level === "error") console.error(text);
  }

  console(text: string): void {
    const seen = this.tail + text;
    if (seen.includes(PANIC_MARK)) this.panicked = true;
    this.tail = seen.slice(-PANIC_MARK.length);
  }

  /** The first module's status when it ended, else 0 when the kernel ended well; 1 after a panic. */
  status(kernelStatus: number | null): number {
    if (this.panicked) {
      console.error("atoll run: the kernel panicked");
      return 1;
    }
    if (kernelStatus === null) {
      console.error("atoll run: timed out (the modules still ran); use --timeout to wait longer");
      return 1;
    }
    if (this.mainEnd !== null) return this.mainEnd.status === null ? 1 : this.mainEnd.status & 0xff;
    return this.failed || kernelStatus !== 0 ? 1 : 0;
  }
}

export async function atollRun(argv: string[]): Promise<number> {
  const opts = parseRunOptions(argv);
  if (typeof opts === "string") {
    console.error(`atoll run: ${opts}\n${RUN_USAGE}`);
    return 2;
  }
  const native = !opts.node && existsSync(HOSTED_KERNEL);
  if (!(native || existsSync(KERNEL_WASM)) || !existsSync(join(MODULES, "logger.wasm"))) {
    console.error("atoll run: the kernel is not built: run make (or npm run build) first");
    return 1;
  }
  let modules: BootModuleFile[];
  try {
    modules = await bootModules(opts);
  } catch (e) {
    console.error(`atoll run: ${(e as Error).message}`);
    return 1;
  }
  const report = new Report(modules[modules.length - 1 - opts.targets.length].name, opts.verbose);
  const splitter = new SerialSplitter((text) => (report.console(text), process.stdout.write(text)), (line) => report.line(line));
  const control: RunControl = {
    cmdline: opts.cmdline, output: (text) => splitter.feed(text), stop: () => report.mainEnd !== null, timeoutMs: opts.timeoutSeconds * 1000,
  };
  const status = await (native ? launchNative : launchInNode)(modules, control);
  return report.status(status);
}
