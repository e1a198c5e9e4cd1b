// Writes the kernel's function symbols as the "symbols" boot module: one
// "hexaddress name" line per function, read by kernel/panic/symbols.ts.
// Usage: tsx tools/build/mksyms.ts <kernel.elf> <output.sym>
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const [elf, output] = process.argv.slice(2);
if (!elf || !output) {
  console.error("usage: mksyms.ts <kernel.elf> <output.sym>");
  process.exit(2);
}
const listing = execFileSync("nm", ["-n", "--defined-only", elf], { encoding: "utf8", maxBuffer: 64 << 20 });
const lines: string[] = [];
for (const line of listing.split("\n")) {
  const [address, kind, name] = line.split(" ");
  if (name && (kind === "T" || kind === "t")) lines.push(`${BigInt("0x" + address).toString(16)} ${name}`);
}
writeFileSync(output, lines.join("\n") + "\n");
