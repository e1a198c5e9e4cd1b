// The "pci" interface: the kernel hands out the functions it enumerated at
// boot. Anyone granted the interface may list and read; writing needs a
// claim, and one process at a time holds a function's claim.
import * as pci from "../../interfaces/as/generated/pci";
import { Message } from "../ipc/message";
import { kernelAnswer, kernelRefuse, refuseMalformed } from "../ipc/router";
import { PCI_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { Process } from "../ipc/process";
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
  const addresses = new Array<u32>(n);
  const ids = new Array<u32>(n);
  const classes = new Array<u32>(n);
  for (let i = 0; i < n; i++) {
    const d = devices[i];
    addresses[i] = address(d);
    ids[i] = d.vendorId | (d.deviceId << 16);
    classes[i] = (d.classCode << 24) | (d.subclass << 16) | (d.progIf << 8) | d.revision;
  }
  kernelAnswer(sender, m, false, pci.encodeListAnswer(addresses, ids, classes));
}

function malformed(sender: Process, m: Message): void {
  refuseMalformed(sender, m, "pci");
}

/** The function at `addr`, or null after refusing `m`. */
function found(sender: Process, m: Message, addr: u32): PciDevice | null {
  const dev = deviceAt(addr);
  if (dev === null) kernelRefuse(sender, m, "no PCI function at address 0x" + addr.toString(16));
  return dev;
}

function handle(sender: Process, m: Message): void {
  const p = m.payload;
  const ordinal = p.length > 0 ? p[0] : 0xff;
  if (ordinal == pci.LIST) listMessage(sender, m, pci.decodeList(p));
  else if (ordinal == pci.CLAIM) claimMessage(sender, m, pci.decodeClaim(p));
  else if (ordinal == pci.RELEASE) releaseMessage(sender, m, pci.decodeRelease(p));
  else if (ordinal == pci.READ_CONFIG) readConfigMessage(sender, m, pci.decodeReadConfig(p));
  else if (ordinal == pci.WRITE_CONFIG) writeConfigMessage(sender, m, pci.decodeWriteConfig(p));
  else if (ordinal == pci.SUBSCRIBE_INTERRUPT) subscribeMessage(sender, m, pci.decodeSubscribeInterrupt(p));
  else malformed(sender, m);
}

function listMessage(sender: Process, m: Message, request: pci.List | null): void {
  if (request === null) return malformed(sender, m);
  answerList(sender, m);
}

function claimMessage(sender: Process, m: Message, request: pci.Claim | null): void {
  if (request === null) return malformed(sender, m);
  if (found(sender, m, request.address) !== null) claim(sender, m, request.address);
}

function releaseMessage(sender: Process, m: Message, request: pci.Release | null): void {
  if (request === null) return malformed(sender, m);
  if (found(sender, m, request.address) !== null) release(sender, m, request.address);
}

function readConfigMessage(sender: Process, m: Message, request: pci.ReadConfig | null): void {
  if (request === null) return malformed(sender, m);
  const dev = found(sender, m, request.address);
  if (dev !== null) readConfig(sender, m, dev, request.offset);
}

function writeConfigMessage(sender: Process, m: Message, request: pci.WriteConfig | null): void {
  if (request === null) return malformed(sender, m);
  const dev = found(sender, m, request.address);
  if (dev !== null) writeConfig(sender, m, dev, request.address, request.offset, request.value);
}

function subscribeMessage(sender: Process, m: Message, request: pci.SubscribeInterrupt | null): void {
  if (request === null) return malformed(sender, m);
  const dev = found(sender, m, request.address);
  if (dev !== null) subscribeInterrupt(sender, m, dev, request.address);
}

function holdsClaim(p: Process, addr: u32): bool {
  return claims.has(addr) && claims.get(addr) == p.pid;
}

function routeFor(addr: u32): MsiRoute | null {
  for (let i = 0; i < msiRoutes.length; i++) if (msiRoutes[i].address == addr) return msiRoutes[i];
  return null;
}

// The irq told to the process is the vector itself (0xC0 and up), so it
// never collides with the ISA lines 0-15 of hardware.subscribeIrq.
function subscribeInterrupt(sender: Process, m: Message, dev: PciDevice, addr: u32): void {
  const existing = routeFor(addr);
  const capability = dev.capabilityAt(MSI_CAPABILITY);
  const apic = currentLocalApic();
  if (!holdsClaim(sender, addr)) kernelRefuse(sender, m, "claim the PCI function before subscribing to its interrupts");
  else if (existing !== null) kernelAnswer(sender, m, false, pci.encodeSubscribeInterruptAnswer(existing.vector));
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
    kernelAnswer(sender, m, false, pci.encodeSubscribeInterruptAnswer(vector));
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
  kernelAnswer(sender, m, false, pci.encodeReadConfigAnswer(dev.config.read32(dev.bus, dev.device, dev.fn, offset)));
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
function releaseClaims(p: Process): void {
  const held = claims.keys();
  for (let i = 0; i < held.length; i++) if (claims.get(held[i]) == p.pid) dropClaim(held[i]);
}

export const service = new KernelService(PCI_INTERFACE, handle, releaseClaims);
