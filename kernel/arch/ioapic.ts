// An I/O APIC: global system interrupts (GSIs) routed to vectors through its
// redirection table, reached through an index register and a window.
import { peek32, poke32 } from "./hw";

const SELECT: u64 = 0x00;
const WINDOW: u64 = 0x10;
const VERSION_REGISTER: u32 = 0x01;
const REDIRECTION_TABLE: u32 = 0x10;
const ACTIVE_LOW: u32 = 1 << 13;
const LEVEL_TRIGGERED: u32 = 1 << 15;
const MASKED: u32 = 1 << 16;
/** The redirection table has at most 240 entries (8-bit "max entry"). */
const MAX_ENTRIES: u32 = 240;

export class IoApicChip {
  /** Redirection entries; 0 when the registers do not answer like an I/O APIC. */
  entryCount: u32 = 0;

  constructor(public base: u64, public gsiBase: u32) {
    const version = this.read(VERSION_REGISTER);
    this.entryCount = version == 0xffffffff || version == 0 ? 0 : min(((version >> 16) & 0xff) + 1, MAX_ENTRIES);
  }

  private read(register: u32): u32 {
    poke32(this.base + SELECT, register);
    return peek32(this.base + WINDOW);
  }

  private write(register: u32, value: u32): void {
    poke32(this.base + SELECT, register);
    poke32(this.base + WINDOW, value);
  }

  /** Routes entry `index` to `vector` on the CPU with APIC id `destination`, masked. */
  route(index: u32, vector: u32, activeLow: bool, level: bool, destination: u32): void {
    const low = vector | MASKED | (activeLow ? ACTIVE_LOW : 0) | (level ? LEVEL_TRIGGERED : 0);
    this.write(REDIRECTION_TABLE + index * 2 + 1, destination << 24);
    this.write(REDIRECTION_TABLE + index * 2, low);
  }

  setMasked(index: u32, masked: bool): void {
    const low = this.read(REDIRECTION_TABLE + index * 2);
    this.write(REDIRECTION_TABLE + index * 2, masked ? low | MASKED : low & ~MASKED);
  }
}
