// Short names for the base class codes and common capabilities, for the
// boot log. Vendor and device names belong to the lspci module, not here.

const CLASS_NAMES: StaticArray<string> = [
  "unclassified", "storage", "network", "display", "multimedia", "memory", "bridge", "communication",
  "system", "input", "docking", "processor", "serial bus", "wireless", "intelligent I/O", "satellite",
  "encryption", "signal processing", "accelerator", "instrumentation",
];

export function className(classCode: u32): string {
  if (classCode < <u32>CLASS_NAMES.length) return CLASS_NAMES[classCode];
  return classCode == 0xff ? "vendor-specific" : "unknown";
}

export function capabilityName(id: u32): string {
  if (id == 0x01) return "power-management";
  if (id == 0x05) return "msi";
  if (id == 0x09) return "vendor";
  if (id == 0x0d) return "bridge-subsystem";
  if (id == 0x10) return "pci-express";
  if (id == 0x11) return "msi-x";
  if (id == 0x12) return "sata";
  return "0x" + id.toString(16);
}
