// ECAM: each function's 4 KiB of configuration space mapped at
// base + (bus - first bus) << 20 | device << 15 | function << 12.
import { peek32, poke32 } from "../arch/hw";
import { EcamRegion } from "../acpi/mcfg";
import { ConfigSpace } from "./config";

export class EcamConfig extends ConfigSpace {
  constructor(public region: EcamRegion) {
    super(region.segment, region.startBus, region.endBus);
  }

  private address(bus: u32, device: u32, fn: u32, offset: u32): u64 {
    return this.region.base + ((<u64>(bus - this.firstBus) << 20) | (<u64>device << 15) | (<u64>fn << 12) | <u64>(offset & 0xffc));
  }

  read32(bus: u32, device: u32, fn: u32, offset: u32): u32 {
    if (bus < this.firstBus || bus > this.lastBus) return 0xffffffff;
    return peek32(this.address(bus, device, fn, offset));
  }

  write32(bus: u32, device: u32, fn: u32, offset: u32, value: u32): void {
    if (bus < this.firstBus || bus > this.lastBus) return;
    poke32(this.address(bus, device, fn, offset), value);
  }

  describe(): string {
    return "ECAM at " + this.region.toString();
  }
}
