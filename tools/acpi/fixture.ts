// The ACPI fixture format shared by tools/commands/acpi-fixtures.ts (which writes it
// from the kernel's "acpidump" log lines) and the hosted tests (which read
// it): "table <signature> <address>" lines, each followed by hex lines.

export interface AcpiTable {
  signature: string;
  /** Where the firmware put it; 0 for an RSDP the boot loader copied. */
  address: number;
  bytes: Uint8Array;
}

const DUMP_LINE = /acpidump (\S{4}) 0x([0-9a-f]+) (\d+) ([0-9a-f]+) ([0-9a-f]+)/;

/** The tables in a kernel log, in the order the kernel dumped them. */
export function parseDump(log: string): AcpiTable[] {
  const found = new Map<string, { signature: string; address: number; length: number; hex: string }>();
  for (const line of log.split("\n")) {
    const m = DUMP_LINE.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[2]}`;
    if (!found.has(key)) found.set(key, { signature: m[1], address: parseInt(m[2], 16), length: Number(m[3]), hex: "" });
    const t = found.get(key)!;
    if (parseInt(m[4], 16) * 2 !== t.hex.length) throw new Error(`${key}: dump line at offset 0x${m[4]} is out of order`);
    t.hex += m[5];
  }
  return [...found.values()].map((t) => {
    if (t.hex.length !== t.length * 2) throw new Error(`${t.signature} at 0x${t.address.toString(16)}: dump is incomplete`);
    return { signature: t.signature, address: t.address, bytes: new Uint8Array(Buffer.from(t.hex, "hex")) };
  });
}

const HEX_PER_LINE = 64;

export function formatFixture(header: string[], tables: AcpiTable[]): string {
  const lines = header.map((h) => `# ${h}`);
  for (const t of tables) {
    lines.push(`table ${t.signature} 0x${t.address.toString(16)}`);
    const hex = Buffer.from(t.bytes).toString("hex");
    for (let i = 0; i < hex.length; i += HEX_PER_LINE) lines.push(hex.slice(i, i + HEX_PER_LINE));
  }
  return lines.join("\n") + "\n";
}

export function parseFixture(text: string): AcpiTable[] {
  const tables: { signature: string; address: number; hex: string }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const m = /^table (\S{4}) 0x([0-9a-f]+)$/.exec(line);
    if (m) tables.push({ signature: m[1], address: parseInt(m[2], 16), hex: "" });
    else if (tables.length > 0 && /^[0-9a-f]+$/.test(line)) tables[tables.length - 1].hex += line;
    else throw new Error(`unexpected fixture line: ${line}`);
  }
  return tables.map((t) => ({ signature: t.signature, address: t.address, bytes: new Uint8Array(Buffer.from(t.hex, "hex")) }));
}
