// The boot log's ACPI summary: what was found, and a warning for each thing
// the kernel has to do without.
import * as log from "../console/log";
import { Acpi } from "./acpi";
import { Madt } from "./madt";

function hex(value: u64): string {
  return "0x" + value.toString(16);
}

function reportMadt(madt: Madt): void {
  let cpus = madt.cpus.length.toString() + (madt.cpus.length == 1 ? " CPU" : " CPUs") + " (APIC ids";
  for (let i = 0; i < madt.cpus.length; i++) cpus += " " + madt.cpus[i].toString();
  log.info("ACPI: " + cpus + "), local APIC at " + hex(madt.localApicAddress) + (madt.hasLegacyPics ? ", 8259 PICs present" : ""));
  for (let i = 0; i < madt.ioApics.length; i++) {
    const io = madt.ioApics[i];
    log.info("ACPI: I/O APIC " + io.id.toString() + " at " + hex(io.address) + ", GSI base " + io.gsiBase.toString());
  }
  if (madt.ioApics.length == 0) log.warn("ACPI: the MADT lists no I/O APIC; interrupts stay on the 8259 PIC");
  let overrides = "";
  for (let i = 0; i < madt.overrides.length; i++) {
    const o = madt.overrides[i];
    overrides += (i > 0 ? ", " : "") + "IRQ " + o.irq.toString() + " -> GSI " + o.gsi.toString() + " " + o.flags.toString();
  }
  log.info("ACPI: " + madt.overrides.length.toString() + " interrupt overrides" + (overrides.length > 0 ? ": " + overrides : ""));
  for (let i = 0; i < madt.nmis.length; i++) {
    const n = madt.nmis[i];
    const where = n.gsi >= 0 ? "GSI " + n.gsi.toString() : "processor " + (n.processor == 0xff ? "all" : n.processor.toString()) + " LINT" + n.lint.toString();
    log.debug("ACPI: NMI on " + where + " " + n.flags.toString());
  }
}

function reportPower(info: Acpi): void {
  const fadt = info.fadt;
  if (fadt == null) {
    log.warn("ACPI: no usable FADT; no ACPI poweroff or reset register");
    return;
  }
  log.info(
    "ACPI: FADT rev " + fadt.revision.toString() + ", SCI IRQ " + fadt.sciInterrupt.toString() + ", PM1a control " + fadt.pm1aControl.toString() +
      (fadt.pm1bControl.present ? ", PM1b control " + fadt.pm1bControl.toString() : "") +
      (fadt.resetRegister.present ? ", reset " + fadt.resetRegister.toString() + " value " + hex(fadt.resetValue) : ", no reset register"),
  );
  const s5 = info.s5;
  if (s5 != null) log.info("ACPI: S5 sleep type a=" + s5.a.toString() + " b=" + s5.b.toString());
  else log.warn("ACPI: no _S5 package in the DSDT or SSDTs; no ACPI poweroff");
}

export function reportAcpi(info: Acpi): void {
  const rsdp = info.rsdp!;
  const root = info.root!;
  let names = "";
  for (let i = 0; i < root.tables.length; i++) names += " " + root.tables[i].signature;
  const from = rsdp.address == 0 ? "from the boot loader" : "at " + hex(rsdp.address);
  log.info("ACPI: RSDP rev " + rsdp.revision.toString() + " (" + rsdp.oemId + ") " + from + "; " + root.root.signature + " at " + hex(root.root.address) + " lists" + names);
  const madt = info.madt;
  if (madt != null) reportMadt(madt);
  else log.warn("ACPI: no usable MADT; assuming one CPU and the 8259 PIC");
  for (let i = 0; i < info.ecam.length; i++) log.info("ACPI: PCI ECAM at " + info.ecam[i].toString());
  if (info.ecam.length == 0) log.info("ACPI: no PCI ECAM; configuration space through ports 0xcf8/0xcfc");
  const hpet = info.hpet;
  if (hpet != null) log.info("ACPI: HPET at " + hex(hpet.address));
  else log.info("ACPI: no HPET");
  reportPower(info);
}
