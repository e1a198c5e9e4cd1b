// PCI at boot: pick a configuration mechanism (ECAM from the MCFG when it
// answers, else the 0xCF8/0xCFC ports), list every function with its
// class, BARs, capabilities and interrupt, and log them.
import * as log from "../console/log";
import { EcamRegion } from "../acpi/mcfg";
import { ConfigSpace } from "./config";
import { PciDevice, hex } from "./device";
import { EcamConfig } from "./ecam";
import { enumerate, hostBridgeAnswers } from "./enumerate";
import { capabilityName, className } from "./names";
import { PortConfig, portMechanismPresent } from "./ports";

function chooseMechanisms(ecam: EcamRegion[]): ConfigSpace[] {
  const spaces: ConfigSpace[] = [];
  for (let i = 0; i < ecam.length; i++) {
    const space = new EcamConfig(ecam[i]);
    if (ecam[i].startBus != 0 || hostBridgeAnswers(space)) spaces.push(space);
    else log.warn("PCI: nothing answers through " + space.describe() + "; not using it");
  }
  if (spaces.length == 0 && portMechanismPresent()) spaces.push(new PortConfig());
  return spaces;
}

function describe(dev: PciDevice): string {
  let text = "PCI " + dev.location() + " " + hex(dev.vendorId, 4) + ":" + hex(dev.deviceId, 4) + " class " +
    hex(dev.classCode, 2) + "." + hex(dev.subclass, 2) + "." + hex(dev.progIf, 2) + " (" + className(dev.classCode) + ") rev " + hex(dev.revision, 2);
  if (dev.interruptPin != 0) text += ", IRQ " + dev.interruptLine.toString() + " pin " + String.fromCharCode(0x40 + dev.interruptPin);
  for (let i = 0; i < dev.bars.length; i++) text += ", " + dev.bars[i].toString();
  if (dev.capabilities.length > 0) {
    text += ", capabilities";
    for (let i = 0; i < dev.capabilities.length; i++) text += " " + capabilityName(dev.capabilities[i]);
  }
  return text;
}

/** Finds and logs every PCI function; returns them for the interfaces that will hand them out. */
export function initPci(ecam: EcamRegion[]): PciDevice[] {
  const devices: PciDevice[] = [];
  const spaces = chooseMechanisms(ecam);
  if (spaces.length == 0) {
    log.warn("PCI: no configuration mechanism (no ECAM, ports 0xcf8/0xcfc do not answer); no PCI devices");
    return devices;
  }
  let through = "";
  for (let i = 0; i < spaces.length; i++) {
    const found = enumerate(spaces[i]);
    for (let j = 0; j < found.length; j++) devices.push(found[j]);
    through += (i > 0 ? ", " : "") + spaces[i].describe();
  }
  for (let i = 0; i < devices.length; i++) log.debug(describe(devices[i]));
  log.info("PCI: " + devices.length.toString() + " functions through " + through);
  return devices;
}
