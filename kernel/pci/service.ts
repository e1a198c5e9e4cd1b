// The "pci" interface: the kernel hands out the functions it enumerated at
// boot. Anyone granted the interface may list and read; writing needs a
// claim, and one process at a time holds a function's claim.
import { Message } from "../ipc/message";
import { kernelAnswer, kernelRefuse } from "../ipc/router";
import {
  PCI_CLAIM, PCI_LIST, PCI_READ_CONFIG, PCI_RELEASE, PCI_SUBSCRIBE_INTERRUPT, PCI_WRITE_CONFIG,
} from "../ipc/interfaces.generated";
import { Process } from "../proc/process";
import { allocateMsiVector, currentLocalApic, freeMsiVector } from "../arch/interrupts";
import { subscribe, unsubscribe } from "../hardware/irqs";
import { PciDevice } from "./device";
import { disableMsi, enableMsi, MSI_CAPABILITY } from "./msi";

let devices: PciDevice[] = [];
/** Claimed functions: address to the pid holding it. */
const claims = new Map<u32, u64>();

/** A claimed function whose MSI goes to `vector`; the process is told irq = vector. */
class MsiRoute {
  constructor(public address: u32, public dev: PciDevice, public capability: u32, public vector: u32) {}
}

const msiRoutes: MsiRoute[] = [];

export function setPciDevices(found: PciDevice[]): void {
  devices = found;
}

function address(dev: PciDevice): u32 {
  return (dev.bus << 8) | (dev.device << 3) | dev.fn;
}

function deviceAt(addr: u32): PciDevice | null {
  for (let i = 0; i < devices.length; i++) if (address(devices[i]) == addr) return devices[i];
  return null;
}


function answerList(sender: Process, m: Message): void {
  const n = devices.length;
  const answer = new Uint8Array(3 * (4 + 4 * n));
  let at = answer.dataStart;
  for (let column = 0; column < 3; column++) {
    store<u32>(at, n);
    at += 4;
    for (let i = 0; i < n; i++) {
      const d = devices[i];
      const value = column == 0 ? address(d) : column == 1 ? d.vendorId | (d.deviceId << 16) : (d.classCode << 24) | (d.subclass << 16) | (d.progIf << 8) | d.revision;
      store<u32>(at, value);
      at += 4;
    }
  }
  kernelAnswer(sender, m, false, answer);
}

export function handlePci(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 1 && p[0] == PCI_LIST) {
    answerList(sender, m);
    return;
  }
  if (p.length < 5) {
    kernelRefuse(sender, m, "malformed pci message");
    return;
  }
  const addr = load<u32>(p.dataStart + 1);
  const dev = deviceAt(addr);
  if (dev === null) {
    kernelRefuse(sender, m, "no PCI function at address 0x" + addr.toString(16));
    return;
  }
  const ordinal = p[0];
  if (ordinal == PCI_CLAIM && p.length == 5) claim(sender, m, addr);
  else if (ordinal == PCI_RELEASE && p.length == 5) release(sender, m, addr);
  else if (ordinal == PCI_READ_CONFIG && p.length == 9) readConfig(sender, m, dev, load<u32>(p.dataStart + 5));
  else if (ordinal == PCI_SUBSCRIBE_INTERRUPT && p.length == 5) subscribeInterrupt(sender, m, dev, addr);
  else if (ordinal == PCI_WRITE_CONFIG && p.length == 13) writeConfig(sender, m, dev, addr, load<u32>(p.dataStart + 5), load<u32>(p.dataStart + 9));
  else kernelRefuse(sender, m, "malformed pci message");
}

function holdsClaim(p: Process, addr: u32): bool {
  return claims.has(addr) && claims.get(addr) == p.pid;
}

function routeFor(addr: u32): MsiRoute | null {
  for (let i = 0; i < msiRoutes.length; i++) if (msiRoutes[i].address == addr) return msiRoutes[i];
  return null;
}

function u32Answer(value: u32): Uint8Array {
  const answer = new Uint8Array(4);
  store<u32>(answer.dataStart, value);
  return answer;
}

// The irq told to the process is the vector itself (0xC0 and up), so it
// never collides with the ISA lines 0-15 of hardware.subscribeIrq.
function subscribeInterrupt(sender: Process, m: Message, dev: PciDevice, addr: u32): void {
  const existing = routeFor(addr);
  const capability = dev.capabilityAt(MSI_CAPABILITY);
  const apic = currentLocalApic();
  if (!holdsClaim(sender, addr)) kernelRefuse(sender, m, "claim the PCI function before subscribing to its interrupts");
  else if (existing !== null) kernelAnswer(sender, m, false, u32Answer(existing.vector));
  else if (capability == 0) kernelRefuse(sender, m, "PCI function 0x" + addr.toString(16) + " has no MSI capability (MSI-X is not supported)");
  else if (apic === null) kernelRefuse(sender, m, "MSI needs a local APIC; this machine runs on the 8259 PICs");
  else {
    const vector = allocateMsiVector();
    if (vector == 0) {
      kernelRefuse(sender, m, "no free MSI vector");
      return;
    }
    msiRoutes.push(new MsiRoute(addr, dev, capability, vector));
    subscribe(vector, vector, sender);
    enableMsi(dev, capability, vector, apic.id());
    kernelAnswer(sender, m, false, u32Answer(vector));
  }
}

// The claim on `addr` goes: its MSI is turned off and its vector freed.
function dropClaim(addr: u32): void {
  claims.delete(addr);
  const route = routeFor(addr);
  if (route === null) return;
  disableMsi(route.dev, route.capability);
  unsubscribe(route.vector);
  freeMsiVector(route.vector);
  msiRoutes.splice(msiRoutes.indexOf(route), 1);
}

function claim(sender: Process, m: Message, addr: u32): void {
  if (claims.has(addr) && claims.get(addr) != sender.pid) {
    kernelRefuse(sender, m, "PCI function 0x" + addr.toString(16) + " is claimed by process " + claims.get(addr).toString());
    return;
  }
  claims.set(addr, sender.pid);
  kernelAnswer(sender, m, false, new Uint8Array(0));
}

function release(sender: Process, m: Message, addr: u32): void {
  if (!holdsClaim(sender, addr)) {
    kernelRefuse(sender, m, "PCI function 0x" + addr.toString(16) + " is not claimed by this process");
    return;
  }
  dropClaim(addr);
  kernelAnswer(sender, m, false, new Uint8Array(0));
}

function validOffset(offset: u32): bool {
  return offset < 256 && (offset & 3) == 0;
}

function readConfig(sender: Process, m: Message, dev: PciDevice, offset: u32): void {
  if (!validOffset(offset)) {
    kernelRefuse(sender, m, "configuration offset must be a multiple of 4 below 256");
    return;
  }
  const answer = new Uint8Array(4);
  store<u32>(answer.dataStart, dev.config.read32(dev.bus, dev.device, dev.fn, offset));
  kernelAnswer(sender, m, false, answer);
}

function writeConfig(sender: Process, m: Message, dev: PciDevice, addr: u32, offset: u32, value: u32): void {
  if (!holdsClaim(sender, addr)) kernelRefuse(sender, m, "claim the PCI function before writing its configuration");
  else if (!validOffset(offset)) kernelRefuse(sender, m, "configuration offset must be a multiple of 4 below 256");
  else {
    dev.config.write32(dev.bus, dev.device, dev.fn, offset, value);
    kernelAnswer(sender, m, false, new Uint8Array(0));
  }
}

/** A process ended: its claims go, and with them its MSI routes. */
export function releaseClaims(p: Process): void {
  const held = claims.keys();
  for (let i = 0; i < held.length; i++) if (claims.get(held[i]) == p.pid) dropClaim(held[i]);
}
