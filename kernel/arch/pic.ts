// The legacy 8259 PIC pair. Remapped to vectors 32-47 so IRQs can never be
// mistaken for CPU exceptions, then fully masked: with an I/O APIC the PICs
// stay silent; without one they are the fallback and drivers unmask lines.
import { inb, outb } from "./hw";

const MASTER_COMMAND: u32 = 0x20;
const MASTER_DATA: u32 = 0x21;
const SLAVE_COMMAND: u32 = 0xa0;
const SLAVE_DATA: u32 = 0xa1;
const ICW1_INIT_WITH_ICW4: u32 = 0x11;
const ICW3_SLAVE_ON_IRQ2: u32 = 0x04;
const ICW3_SLAVE_ID: u32 = 0x02;
const ICW4_8086_MODE: u32 = 0x01;
const ALL_MASKED: u32 = 0xff;
const CASCADE_IRQ: u32 = 2;

export const PIC_VECTOR_BASE: u32 = 32;

export function remapAndMaskPics(): void {
  outb(MASTER_COMMAND, ICW1_INIT_WITH_ICW4);
  outb(SLAVE_COMMAND, ICW1_INIT_WITH_ICW4);
  outb(MASTER_DATA, PIC_VECTOR_BASE);
  outb(SLAVE_DATA, PIC_VECTOR_BASE + 8);
  outb(MASTER_DATA, ICW3_SLAVE_ON_IRQ2);
  outb(SLAVE_DATA, ICW3_SLAVE_ID);
  outb(MASTER_DATA, ICW4_8086_MODE);
  outb(SLAVE_DATA, ICW4_8086_MODE);
  outb(MASTER_DATA, ALL_MASKED);
  outb(SLAVE_DATA, ALL_MASKED);
}

function setMaskBit(port: u32, bit: u32, masked: bool): void {
  const mask = inb(port);
  outb(port, masked ? mask | (1 << bit) : mask & ~(1 << bit));
}

/** Masks or unmasks ISA `irq` (0-15); a slave IRQ also needs the cascade line open. */
export function setPicIrqMasked(irq: u32, masked: bool): void {
  if (irq < 8) {
    setMaskBit(MASTER_DATA, irq, masked);
    return;
  }
  setMaskBit(SLAVE_DATA, irq - 8, masked);
  if (!masked) setMaskBit(MASTER_DATA, CASCADE_IRQ, false);
}
