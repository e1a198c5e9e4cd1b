// "acpidump" on the command line: every table's bytes in hex on the log, one
// line per 32 bytes, for tools/commands/acpi-fixtures.ts to turn into test fixtures.
// Line format: acpidump <signature> <address> <length> <offset> <hex bytes>
import { physRead } from "../arch/hw";
import * as log from "../console/log";
import { Table } from "./table";

const BYTES_PER_LINE = 32;
const DIGITS = "0123456789abcdef";

/** Dumps `bytes`, which were found at physical `address` (0: the boot loader's copy). */
export function dumpBytes(signature: string, address: u64, bytes: Uint8Array): void {
  const prefix = "acpidump " + signature + " 0x" + address.toString(16) + " " + bytes.length.toString() + " ";
  for (let offset = 0; offset < bytes.length; offset += BYTES_PER_LINE) {
    let line = prefix + offset.toString(16) + " ";
    const end = min(offset + BYTES_PER_LINE, bytes.length);
    for (let i = offset; i < end; i++) line += DIGITS.charAt(bytes[i] >> 4) + DIGITS.charAt(bytes[i] & 15);
    log.info(line);
  }
}

export function dumpTable(table: Table): void {
  const bytes = new Uint8Array(table.length);
  physRead(bytes.dataStart, table.address, table.length);
  dumpBytes(table.signature, table.address, bytes);
}
