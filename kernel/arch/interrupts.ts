// Device interrupts. Vectors 32-255 enter the stubs in boot/interrupts.S,
// which only record the vector and acknowledge it; the kernel collects the
// records here when it chooses to (interrupts are enabled only inside
// waitForInterrupt), so AssemblyScript code is never re-entered.
//
// With an I/O APIC (from the MADT), GSI g is routed to vector 32 + g, with
// the polarity and trigger of its source override (ISA lines default to
// edge/high, PCI lines are level/low), every line masked until a driver
// asks for it; the 8259 PICs are remapped and masked. Without one, the
// PICs deliver IRQ n at vector 32 + n.
//
// Vectors 0xC0-0xEE are kept for message-signalled interrupts (PCI MSI):
// handed out one at a time, never used for GSIs, and only with a local
// APIC, since an MSI is a write to it.
import { Madt } from "../acpi/madt";
import * as log from "../console/log";
import { setGate } from "./idt";
import { isrStub, setInterruptAck, takeInterrupts } from "./hw";
import { EOI, LocalApic } from "./apic";
import { IoApicChip } from "./ioapic";
import { PIC_VECTOR_BASE, remapAndMaskPics, setPicIrqMasked } from "./pic";

const FIRST_DEVICE_VECTOR: u32 = 32;
export const TIMER_VECTOR: u32 = 0xef;
const FIRST_MSI_VECTOR: u32 = 0xc0;
const LAST_MSI_VECTOR: u32 = TIMER_VECTOR - 1;
const LAST_GSI_VECTOR: u32 = FIRST_MSI_VECTOR - 1;
const VECTORS = 256;
const ISA_IRQS: u32 = 16;

let localApic: LocalApic | null = null;
let routing: Madt | null = null;
const chips: IoApicChip[] = [];
const taken = memory.data(VECTORS / 8, 8);
const delivered = new StaticArray<u64>(VECTORS / 64);
const msiVectorsInUse = new StaticArray<bool>(LAST_MSI_VECTOR - FIRST_MSI_VECTOR + 1);

export function currentLocalApic(): LocalApic | null {
  return localApic;
}

/** Moves what the stubs recorded into the kernel's own set of delivered vectors. */
function collect(): void {
  takeInterrupts(taken);
  for (let i = 0; i < VECTORS / 64; i++) delivered[i] |= load<u64>(taken + <usize>i * 8);
}

/** Whether `vector` fired since the last call for it (which forgets it). */
export function takeVector(vector: u32): bool {
  collect();
  const bit: u64 = 1 << (vector & 63);
  const fired = (delivered[vector >> 6] & bit) != 0;
  delivered[vector >> 6] &= ~bit;
  return fired;
}

function routeIoApic(madt: Madt, chip: IoApicChip, destination: u32): u32 {
  let routed: u32 = 0;
  for (let index: u32 = 0; index < chip.entryCount; index++) {
    const gsi = chip.gsiBase + index;
    if (FIRST_DEVICE_VECTOR + gsi > LAST_GSI_VECTOR) {
      log.warn("interrupts: GSI " + gsi.toString() + " and above have no vector; left unrouted");
      break;
    }
    const source = madt.overrideForGsi(gsi);
    const isa = source != null || gsi < ISA_IRQS;
    const activeLow = source != null ? source.flags.activeLow : !isa;
    const level = source != null ? source.flags.levelTriggered : !isa;
    chip.route(index, FIRST_DEVICE_VECTOR + gsi, activeLow, level, destination);
    routed++;
  }
  return routed;
}

function usePics(reason: string): void {
  setInterruptAck(0, PIC_VECTOR_BASE);
  log.warn("interrupts: " + reason + "; using the 8259 PICs (IRQ n at vector " + PIC_VECTOR_BASE.toString() + " + n)");
}

export function initInterrupts(madt: Madt | null): void {
  for (let vector: u32 = FIRST_DEVICE_VECTOR; vector < <u32>VECTORS; vector++) setGate(vector, isrStub(vector), 0);
  remapAndMaskPics();
  if (madt == null || madt.ioApics.length == 0) {
    usePics("no I/O APIC in the MADT");
    return;
  }
  const apic = new LocalApic(madt.localApicAddress);
  if (!apic.answers()) {
    usePics("the local APIC at 0x" + apic.base.toString(16) + " does not answer");
    return;
  }
  apic.enable();
  localApic = apic;
  setInterruptAck(apic.base + EOI, 0);
  let routed: u32 = 0;
  for (let i = 0; i < madt.ioApics.length; i++) {
    const io = madt.ioApics[i];
    const chip = new IoApicChip(io.address, io.gsiBase);
    if (chip.entryCount == 0) {
      log.warn("interrupts: I/O APIC " + io.id.toString() + " at 0x" + io.address.toString(16) + " does not answer");
      continue;
    }
    routed += routeIoApic(madt, chip, apic.id());
    chips.push(chip);
  }
  routing = madt;
  log.info("interrupts: local APIC " + apic.id().toString() + " enabled; " + routed.toString() + " I/O APIC inputs routed to vectors from " + FIRST_DEVICE_VECTOR.toString() + ", masked; 8259 PICs masked");
}

function chipFor(gsi: u32): IoApicChip | null {
  for (let i = 0; i < chips.length; i++) {
    const chip = chips[i];
    if (gsi >= chip.gsiBase && gsi < chip.gsiBase + chip.entryCount) return chip;
  }
  return null;
}

/** Masks or unmasks ISA `irq` (its GSI's I/O APIC input, or its PIC line); returns its vector, 0 if unroutable. */
export function setIsaIrqMasked(irq: u32, masked: bool): u32 {
  const madt = routing;
  if (madt == null) {
    setPicIrqMasked(irq, masked);
    return PIC_VECTOR_BASE + irq;
  }
  const gsi = madt.isaIrq(irq).gsi;
  const chip = chipFor(gsi);
  if (chip == null) return 0;
  chip.setMasked(gsi - chip.gsiBase, masked);
  return FIRST_DEVICE_VECTOR + gsi;
}

/** A free vector for an MSI, 0 when none is left or there is no local APIC to receive it. */
export function allocateMsiVector(): u32 {
  if (localApic === null) return 0;
  for (let i = 0; i < msiVectorsInUse.length; i++) {
    if (msiVectorsInUse[i]) continue;
    msiVectorsInUse[i] = true;
    return FIRST_MSI_VECTOR + <u32>i;
  }
  return 0;
}

export function freeMsiVector(vector: u32): void {
  if (vector >= FIRST_MSI_VECTOR && vector <= LAST_MSI_VECTOR) msiVectorsInUse[vector - FIRST_MSI_VECTOR] = false;
}
