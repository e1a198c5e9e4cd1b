// Builds the hybrid BIOS + UEFI ISO with grub-mkrescue, with the kernel
// command line written into its GRUB configuration.
// Usage: tsx tools/build/mkiso.ts <atoll.elf> <atoll.sym> <output.iso> [kernel command line...]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function buildIso(elf: string, symbols: string, iso: string, cmdline: string): void {
  if (/["$\\\n]/.test(cmdline)) throw new Error(`kernel command line may not contain quotes, '$', '\\' or newlines: ${cmdline}`);
  const root = iso.replace(/\.iso$/, "") + ".root";
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, "boot/grub"), { recursive: true });
  copyFileSync(elf, join(root, "boot/atoll.elf"));
  copyFileSync(symbols, join(root, "boot/atoll.sym"));
  const config = readFileSync(new URL("../../boot/grub.cfg", import.meta.url), "utf8").replaceAll("@CMDLINE@", cmdline);
  writeFileSync(join(root, "boot/grub/grub.cfg"), config);
  mkdirSync(dirname(iso), { recursive: true });
  try {
    execFileSync("grub-mkrescue", ["-o", iso, root], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === "ENOENT") throw new Error("grub-mkrescue not found: install grub-common, grub-pc-bin, grub-efi-amd64-bin, xorriso and mtools (scripts/install-deps.sh)");
    throw new Error(`grub-mkrescue failed: ${err.stderr?.toString() ?? e}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const [elf, symbols, iso, ...cmdline] = process.argv.slice(2);
  if (!elf || !symbols || !iso) {
    console.error("usage: mkiso.ts <atoll.elf> <atoll.sym> <output.iso> [kernel command line...]");
    process.exit(2);
  }
  try {
    buildIso(elf, symbols, iso, cmdline.join(" "));
  } catch (e) {
    console.error(`mkiso: ${(e as Error).message}`);
    process.exit(1);
  }
}
