// `npm run usb -- --device /dev/sdX`: writes the hybrid ISO to a USB stick.
// Without --device it lists the disks (lsblk) with size, model, and whether
// they are removable or mounted. A disk that is not removable, or has
// anything mounted, is refused unless --force; a path lsblk does not list
// as a disk must be a plain file (an image) or is refused. Nothing is
// written before the user types "yes".
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";

const ISO = new URL("../../out/atoll.iso", import.meta.url).pathname;
const CHUNK = 4 << 20;

const USAGE = `usage: npm run usb -- [--device PATH] [--force] [--iso FILE] [--lsblk-json FILE]
  lists the disks; with --device, writes the ISO (default ${ISO}) to that removable disk
  after asking for "yes" on standard input
  --force            also write to a disk that is not removable or has something mounted
  --lsblk-json FILE  read the disk list from FILE (lsblk --json output) instead of running lsblk`;

interface Disk {
  path: string;
  size: number;
  model: string;
  removable: boolean;
  mounted: string[];
}

interface LsblkDevice {
  name: string;
  path?: string;
  size: number | string;
  model: string | null;
  rm: boolean | string | number;
  type: string;
  mountpoints?: (string | null)[];
  children?: LsblkDevice[];
}

// What is mounted from a device or any of its partitions.
function mountsOf(d: LsblkDevice): string[] {
  const own = (d.mountpoints ?? []).filter((m): m is string => m !== null);
  return [...own, ...(d.children ?? []).flatMap(mountsOf)];
}

/** The disks in `lsblk --json -b -o NAME,PATH,SIZE,MODEL,RM,TYPE,MOUNTPOINTS` output. */
function parseLsblk(json: string): Disk[] {
  const devices = (JSON.parse(json) as { blockdevices: LsblkDevice[] }).blockdevices;
  return devices.filter((d) => d.type === "disk").map((d) => ({
    path: d.path ?? `/dev/${d.name}`,
    size: Number(d.size),
    model: (d.model ?? "").trim() || "(no model)",
    removable: d.rm === true || d.rm === "1" || d.rm === 1,
    mounted: mountsOf(d),
  }));
}

function sizeText(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : `${Math.round(bytes / (1 << 20))} MiB`;
}

function diskLine(d: Disk): string {
  const flags = [d.removable ? "removable" : "not removable", ...(d.mounted.length > 0 ? [`mounted at ${d.mounted.join(", ")}`] : [])];
  return `${d.path}  ${sizeText(d.size)}  ${d.model}  (${flags.join(", ")})`;
}

/** Why `path` may not be written ("" when it may), given the disks and --force. */
function refusal(path: string, disks: Disk[], force: boolean): string {
  const disk = disks.find((d) => d.path === path);
  if (disk === undefined) {
    if (existsSync(path) && !statSync(path).isFile()) return `${path} is not a disk lsblk lists, nor a plain file`;
    return "";
  }
  if (force) return "";
  if (!disk.removable) return `${path} is not a removable disk (use --force if you are sure)`;
  if (disk.mounted.length > 0) return `${path} has mounted file systems (${disk.mounted.join(", ")}): unmount them, or use --force`;
  return "";
}

/** A line from standard input, null at its end. */
function readLine(): string | null {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n = 0;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EOF") n = 0;
      else throw e;
    }
    if (n === 0) return bytes.length > 0 ? Buffer.from(bytes).toString() : null;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString();
    bytes.push(one[0]);
  }
}

function copy(iso: string, target: string, isFile: boolean): void {
  const from = openSync(iso, "r");
  const to = openSync(target, isFile ? "w" : "r+");
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let n = readSync(from, buffer); n > 0; n = readSync(from, buffer)) writeSync(to, buffer, 0, n);
    fsyncSync(to);
  } finally {
    closeSync(from);
    closeSync(to);
  }
}

interface Options {
  device: string;
  force: boolean;
  iso: string;
  lsblkJson: string;
}

function parseOptions(argv: string[]): Options | string {
  const opts: Options = { device: "", force: false, iso: ISO, lsblkJson: "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : "");
    if (a === "--device") opts.device = next();
    else if (a === "--force") opts.force = true;
    else if (a === "--iso") opts.iso = next();
    else if (a === "--lsblk-json") opts.lsblkJson = next();
    else return `unexpected argument '${a}'`;
  }
  return opts;
}

function listDisks(opts: Options): Disk[] {
  const json = opts.lsblkJson !== "" ? readFileSync(opts.lsblkJson, "utf8")
    : execFileSync("lsblk", ["--json", "-b", "-o", "NAME,PATH,SIZE,MODEL,RM,TYPE,MOUNTPOINTS"], { encoding: "utf8" });
  return parseLsblk(json);
}

function main(argv: string[]): number {
  const opts = parseOptions(argv);
  if (typeof opts === "string") {
    console.error(`usb: ${opts}\n${USAGE}`);
    return 2;
  }
  const disks = listDisks(opts);
  console.log(disks.length > 0 ? `disks:\n${disks.map((d) => `  ${diskLine(d)}`).join("\n")}` : "no disks found");
  if (opts.device === "") {
    console.log(`name the disk to write with --device (everything on it is lost)\n${USAGE}`);
    return 0;
  }
  if (!existsSync(opts.iso)) {
    console.error(`usb: ${opts.iso} is missing: run make first`);
    return 1;
  }
  const problem = refusal(opts.device, disks, opts.force);
  if (problem !== "") {
    console.error(`usb: ${problem}`);
    return 1;
  }
  const disk = disks.find((d) => d.path === opts.device);
  process.stdout.write(`write ${opts.iso} (${sizeText(statSync(opts.iso).size)}) to ${disk ? diskLine(disk) : `the file ${opts.device}`}?\n` +
    `everything on it is lost. Type yes to go on: `);
  const answer = readLine();
  if (answer?.trim() !== "yes") {
    console.error("usb: not confirmed; nothing written");
    return 1;
  }
  copy(opts.iso, opts.device, disk === undefined);
  console.log(`wrote ${opts.device}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
