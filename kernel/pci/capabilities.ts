// The capability list: a chain of (id, next) pairs in configuration space,
// starting at the pointer in the header. A chain that loops or points into
// the header is cut with a warning.
import * as log from "../console/log";
import { HeaderType, PciDevice, Register } from "./device";

const STATUS_HAS_CAPABILITIES: u32 = 1 << 4;
const FIRST_CAPABILITY_OFFSET: u32 = 0x40;
/** 48 four-byte capabilities fill the 192 bytes after the header. */
const MAX_CAPABILITIES = 48;

export function readCapabilities(dev: PciDevice): void {
  if (!(dev.read16(Register.Status) & STATUS_HAS_CAPABILITIES)) return;
  const pointerAt = dev.headerType == HeaderType.CardbusBridge ? Register.CardbusCapabilitiesPointer : Register.CapabilitiesPointer;
  let at = dev.read8(pointerAt) & 0xfc;
  while (at != 0) {
    if (at < FIRST_CAPABILITY_OFFSET || dev.capabilities.length >= MAX_CAPABILITIES) {
      log.warn("PCI " + dev.location() + ": capability list is broken at offset 0x" + at.toString(16) + "; cut after " + dev.capabilities.length.toString());
      return;
    }
    dev.capabilities.push(dev.read8(at));
    dev.capabilityOffsets.push(at);
    at = dev.read8(at + 1) & 0xfc;
  }
}
