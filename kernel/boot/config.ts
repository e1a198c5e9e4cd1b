// The boot configuration (boot module "config", written by the image
// builder from modules/boot.conf): which programs start, what each may use,
// and which interfaces only it may handle. By then every friendly name has
// been resolved, so a line reads
//   run <cid> name=<name> grant=<hash>,<hash>... handles=<hash>,...
// or, for a program that does not start at boot but may be started by name
// (process.run, or start=<name> on the kernel command line) with those grants,
//   program <cid> name=<name> grant=... handles=...
// Either may set kernel-memory=<bytes>, its kernel memory quota
// (kernel/ipc/account.ts), and may end with arg=<text> settings, the
// program's arguments in order, each percent-encoded (URI component style)
// so it may hold spaces.
// A bad line is reported with its number and skipped.
import { isHashKey } from "../ipc/hashkey";

export class ProgramEntry {
  grants: Set<string> = new Set();
  /** Interfaces reserved for this module: no other may register them. */
  handles: Set<string> = new Set();
  /** The arguments a boot-time start passes. */
  args: string[] = [];
  /** Its kernel memory quota in bytes; 0 for the default. */
  kernelQuota: u64 = 0;
  constructor(public cid: string, public name: string, public startsAtBoot: bool) {}
}

export class BootConfig {
  programs: ProgramEntry[] = [];
  errors: string[] = [];
}

// Adds the program a line describes; returns what is wrong with it, or "".
function parseLine(text: string, config: BootConfig): string {
  const words = text.split(" ").filter((w: string): bool => w.length > 0);
  if (words.length == 0) return "";
  if ((words[0] != "run" && words[0] != "program") || words.length < 2) return "expected 'run|program <cid> [name=...] [grant=...] [handles=...] [kernel-memory=...] [arg=...]'";
  if (!words[1].startsWith("bafkrei")) return "'" + words[1] + "' is not a module CID";
  const entry = new ProgramEntry(words[1], words[1].substring(0, 16), words[0] == "run");
  for (let i = 2; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith("name=") && word.length > 5) {
      entry.name = word.substring(5);
      continue;
    }
    if (word.startsWith("kernel-memory=")) {
      const digits = word.substring(14);
      entry.kernelQuota = isDecimal(digits) ? U64.parseInt(digits) : 0;
      if (entry.kernelQuota == 0) return "kernel-memory wants a number of bytes above 0, not '" + digits + "'";
      continue;
    }
    if (word.startsWith("arg=")) {
      entry.args.push(decodeURIComponent(word.substring(4)));
      continue;
    }
    const isGrant = word.startsWith("grant=");
    if (!isGrant && !word.startsWith("handles=")) return "unknown setting '" + word + "'";
    const hashes = word.substring(word.indexOf("=") + 1).split(",");
    for (let h = 0; h < hashes.length; h++) {
      if (!isHashKey(hashes[h])) return "'" + hashes[h] + "' is not an interface hash";
      if (isGrant) entry.grants.add(hashes[h]);
      else entry.handles.add(hashes[h]);
    }
  }
  config.programs.push(entry);
  return "";
}

// Up to 15 digits: a byte count that cannot overflow.
function isDecimal(text: string): bool {
  if (text.length == 0 || text.length > 15) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function parseBootConfig(text: string): BootConfig {
  const config = new BootConfig();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf("#");
    const problem = parseLine((hash >= 0 ? lines[i].substring(0, hash) : lines[i]).trim(), config);
    if (problem.length > 0) config.errors.push("line " + (i + 1).toString() + ": " + problem);
  }
  return config;
}
