// Finding every function: a brute-force scan of each bus and device slot,
// which needs no bridge bookkeeping and also finds devices behind bridges
// the firmware configured. Functions 1-7 are looked at only when function
// 0 says the device is multi-function.
import { readBars } from "./bars";
import { readCapabilities } from "./capabilities";
import { ConfigSpace } from "./config";
import { PciDevice, Register } from "./device";

const DEVICES_PER_BUS: u32 = 32;
const FUNCTIONS_PER_DEVICE: u32 = 8;
const NO_DEVICE: u32 = 0xffff;
// Vendor 0 is never assigned; broken bridges and unbacked ECAM windows read zeros.
const NO_VENDOR: u32 = 0;
const MULTI_FUNCTION: u32 = 0x80;

function readDevice(config: ConfigSpace, bus: u32, device: u32, fn: u32): PciDevice {
  const dev = new PciDevice(config, bus, device, fn);
  dev.vendorId = dev.read16(Register.VendorId);
  dev.deviceId = dev.read16(Register.DeviceId);
  dev.revision = dev.read8(Register.Revision);
  dev.progIf = dev.read8(Register.ProgIf);
  dev.subclass = dev.read8(Register.Subclass);
  dev.classCode = dev.read8(Register.Class);
  dev.headerType = dev.read8(Register.HeaderType) & ~MULTI_FUNCTION;
  dev.interruptLine = dev.read8(Register.InterruptLine);
  dev.interruptPin = dev.read8(Register.InterruptPin);
  readBars(dev);
  readCapabilities(dev);
  return dev;
}

function present(config: ConfigSpace, bus: u32, device: u32, fn: u32): bool {
  const vendor = config.read16(bus, device, fn, Register.VendorId);
  return vendor != NO_DEVICE && vendor != NO_VENDOR;
}

function scanSlot(config: ConfigSpace, bus: u32, device: u32, found: PciDevice[]): void {
  if (!present(config, bus, device, 0)) return;
  const functions = config.read8(bus, device, 0, Register.HeaderType) & MULTI_FUNCTION ? FUNCTIONS_PER_DEVICE : 1;
  for (let fn: u32 = 0; fn < functions; fn++) {
    if (present(config, bus, device, fn)) found.push(readDevice(config, bus, device, fn));
  }
}

export function enumerate(config: ConfigSpace): PciDevice[] {
  const found: PciDevice[] = [];
  for (let bus = config.firstBus; bus <= config.lastBus; bus++) {
    for (let device: u32 = 0; device < DEVICES_PER_BUS; device++) scanSlot(config, bus, device, found);
  }
  return found;
}

/** Whether anything answers at 00:00.0, where every PC has its host bridge. */
export function hostBridgeAnswers(config: ConfigSpace): bool {
  return present(config, config.firstBus, 0, 0);
}
