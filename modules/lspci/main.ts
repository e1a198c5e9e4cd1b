// Lists the PCI functions the kernel found, with vendor and device names
// from pci.ids (embedded at build time), one console line per function.
import { call } from "../../interfaces/as/atoll";
import { println } from "../../interfaces/as/console";
import { exit } from "../../interfaces/as/process";
import * as pci from "../../interfaces/as/generated/pci";
import { PCI_NAMES, PCI_VENDOR_AT, PCI_VENDOR_IDS } from "./pci-names.generated";

function hex(value: u32, digits: i32): string {
  return value.toString(16).padStart(digits, "0");
}

// Offset of vendor `id`'s line, by binary search of the generated index; -1 when unknown.
function vendorLine(id: u32): i32 {
  let low = 0;
  let high = PCI_VENDOR_IDS.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const found = <u32>PCI_VENDOR_IDS[mid];
    if (found == id) return <i32>PCI_VENDOR_AT[mid];
    if (found < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

// The text of the line at `at` after its "id  " (6 characters in).
function nameAt(at: i32, indent: i32): string {
  return PCI_NAMES.substring(at + indent + 6, PCI_NAMES.indexOf("\n", at));
}

function names(vendor: u32, device: u32): string {
  const at = vendorLine(vendor);
  if (at < 0) return "unknown vendor " + hex(vendor, 4) + ", device " + hex(device, 4);
  const wanted = "\t" + hex(device, 4) + "  ";
  for (let line = PCI_NAMES.indexOf("\n", at) + 1; line < PCI_NAMES.length && PCI_NAMES.charAt(line) == "\t"; line = PCI_NAMES.indexOf("\n", line) + 1) {
    if (PCI_NAMES.startsWith(wanted, line)) return nameAt(at, 0) + " " + nameAt(line, 1);
  }
  return nameAt(at, 0) + " device " + hex(device, 4);
}

function fail(reason: string): void {
  println("lspci: " + reason);
  exit(1);
}

export function _start(): void {
  const answer = call(pci.INTERFACE, pci.encodeList());
  if (answer.isError) {
    fail(answer.error);
    return;
  }
  const list = pci.decodeListAnswer(answer.payload);
  if (list === null) {
    fail("malformed answer");
    return;
  }
  for (let i = 0; i < list.addresses.length; i++) {
    const a = list.addresses[i];
    const location = hex(a >> 8, 2) + ":" + hex((a >> 3) & 31, 2) + "." + (a & 7).toString();
    const ids = list.ids[i];
    const vendor = ids & 0xffff;
    const device = ids >> 16;
    println(location + " [" + hex(list.classes[i] >> 16, 4) + "] " + hex(vendor, 4) + ":" + hex(device, 4) + " " + names(vendor, device));
  }
}
