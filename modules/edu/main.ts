// A driver for QEMU's educational PCI device (-device edu, 1234:11e8): it
// claims the function and its BAR0 registers, checks the liveness
// register, asks for the device's interrupt by MSI, raises one and waits
// for it, then logs what happened. Not started at boot (most machines have
// no edu); start=edu on the kernel command line runs it.
import { call, nextEvent } from "../../interfaces/as/atoll";
import * as hardware from "../../interfaces/as/generated/hardware";
import * as log from "../../interfaces/as/log";
import * as pci from "../../interfaces/as/generated/pci";

const EDU_IDS: u32 = 0x1234 | (0x11e8 << 16);
const COMMAND: u32 = 0x04;
const COMMAND_MEMORY_SPACE: u32 = 1 << 1;
const BAR0: u32 = 0x10;
const BAR_MEMORY_MASK: u32 = 0xfffffff0;
const REGISTERS_LENGTH: u64 = 0x100;
// The device's registers (QEMU docs/specs/edu.rst).
const LIVENESS: u64 = 0x04;
const INTERRUPT_STATUS: u64 = 0x24;
const RAISE_INTERRUPT: u64 = 0x60;
const ACKNOWLEDGE_INTERRUPT: u64 = 0x64;
const LIVENESS_PROBE: u32 = 0x12345678;
const RAISED: u32 = 1;
// Events to look at before giving up on the interrupt.
const MAX_EVENTS = 16;

let failure = "";

/** Sends a request; a refusal is remembered (the first one) and gives null. */
function ask(iface: StaticArray<u8>, message: Uint8Array): Uint8Array | null {
  const answer = call(iface, message);
  if (!answer.isError) return answer.payload;
  if (failure.length == 0) failure = answer.error;
  return null;
}

function findEdu(): i64 {
  const payload = ask(pci.INTERFACE, pci.encodeList());
  if (payload === null) return -1;
  const list = pci.decodeListAnswer(payload);
  if (list === null) return -1;
  for (let i = 0; i < list.ids.length; i++) if (list.ids[i] == EDU_IDS) return list.addresses[i];
  return -1;
}

function readConfig(address: u32, offset: u32): u32 {
  const payload = ask(pci.INTERFACE, pci.encodeReadConfig(address, offset));
  if (payload === null) return 0;
  const decoded = pci.decodeReadConfigAnswer(payload);
  return decoded === null ? 0 : decoded.value;
}

function readRegister(physical: u64): u32 {
  const payload = ask(hardware.INTERFACE, hardware.encodeMemoryRead(physical, 4));
  if (payload === null) return 0;
  const decoded = hardware.decodeMemoryReadAnswer(payload);
  return decoded === null || decoded.data.length != 4 ? 0 : load<u32>(decoded.data.dataStart);
}

function writeRegister(physical: u64, value: u32): bool {
  const data = new Uint8Array(4);
  store<u32>(data.dataStart, value);
  return ask(hardware.INTERFACE, hardware.encodeMemoryWrite(physical, data)) !== null;
}

/** Claims the function and its registers, turns on memory decoding; returns BAR0's address, 0 on failure. */
function setUp(address: u32): u64 {
  if (ask(pci.INTERFACE, pci.encodeClaim(address)) === null) return 0;
  const bar = <u64>(readConfig(address, BAR0) & BAR_MEMORY_MASK);
  if (bar == 0 || ask(hardware.INTERFACE, hardware.encodeClaimMemory(bar, REGISTERS_LENGTH)) === null) return 0;
  const command = readConfig(address, COMMAND) & 0xffff;
  if (ask(pci.INTERFACE, pci.encodeWriteConfig(address, COMMAND, command | COMMAND_MEMORY_SPACE)) === null) return 0;
  return bar;
}

function subscribe(address: u32): i64 {
  const payload = ask(pci.INTERFACE, pci.encodeSubscribeInterrupt(address));
  if (payload === null) return -1;
  const decoded = pci.decodeSubscribeInterruptAnswer(payload);
  return decoded === null ? -1 : decoded.irq;
}

/** Waits for interrupt `irq`; whether it came. */
function awaitInterrupt(irq: i64): bool {
  for (let i = 0; i < MAX_EVENTS; i++) if (nextEvent().irq == irq) return true;
  return false;
}

function run(): string {
  const address = findEdu();
  if (address < 0) return failure.length > 0 ? failure : "no edu device (1234:11e8)";
  const bar = setUp(<u32>address);
  if (bar == 0) return failure;
  const liveness = readRegister(bar + LIVENESS);
  // Written value comes back inverted from the liveness register.
  writeRegister(bar + LIVENESS, LIVENESS_PROBE);
  const inverted = readRegister(bar + LIVENESS);
  if (inverted != ~LIVENESS_PROBE) return "liveness register read 0x" + inverted.toString(16) + " after 0x" + LIVENESS_PROBE.toString(16) + " (was 0x" + liveness.toString(16) + ")";
  const irq = subscribe(<u32>address);
  if (irq < 0) return failure;
  if (!writeRegister(bar + RAISE_INTERRUPT, RAISED)) return failure;
  if (!awaitInterrupt(irq)) return "no interrupt " + irq.toString() + " arrived";
  const status = readRegister(bar + INTERRUPT_STATUS);
  writeRegister(bar + ACKNOWLEDGE_INTERRUPT, status);
  return "ok: liveness 0x" + inverted.toString(16) + ", MSI interrupt " + irq.toString() + " arrived with status 0x" + status.toString(16) + ", then 0x" + readRegister(bar + INTERRUPT_STATUS).toString(16) + " after acknowledging";
}

export function _start(): void {
  const result = run();
  if (result.startsWith("ok:")) log.info("edu: " + result);
  else log.error("edu: " + result);
}
