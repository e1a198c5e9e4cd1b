// Builds the hybrid BIOS + UEFI ISO with grub-mkrescue: the kernel, its
// symbols, the boot configuration and every module in out/modules, with
// the kernel command line written into the GRUB configuration.
// Usage: tsx tools/build/mkiso.ts <atoll.elf> <atoll.sym> <output.iso> [kernel command line...]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

// Every module in out/modules and the boot configuration, as GRUB lines.
function bootModules(out: string, root: string): string {
  const lines: string[] = [];
  const modules = join(out, "modules");
  mkdirSync(join(root, "boot/modules"), { recursive: true });
  for (const file of existsSync(modules) ? readdirSync(modules).filter((f) => f.endsWith(".wasm")).sort() : []) {
    copyFileSync(join(modules, file), join(root, "boot/modules", file));
    lines.push(`module2 /boot/modules/${file} ${file.replace(/\.wasm$/, "")}`);
  }
  if (existsSync(join(out, "atoll.conf"))) {
    copyFileSync(join(out, "atoll.conf"), join(root, "boot/atoll.conf"));
    lines.push("module2 /boot/atoll.conf config");
  }
  return lines.join("\n    ");
}

export function buildIso(elf: string, symbols: string, iso: string, cmdline: string): void {
  if (/["$\\\n]/.test(cmdline)) throw new Error(`kernel command line may not contain quotes, '$', '\\' or newlines: ${cmdline}`);
  const root = iso.replace(/\.iso$/, "") + ".root";
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, "boot/grub"), { recursive: true });
  copyFileSync(elf, join(root, "boot/atoll.elf"));
  copyFileSync(symbols, join(root, "boot/atoll.sym"));
  const config = readFileSync(new URL("../../boot/grub.cfg", import.meta.url), "utf8")
    .replaceAll("@CMDLINE@", cmdline)
    .replaceAll("@MODULES@", bootModules(dirname(elf), root));
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
