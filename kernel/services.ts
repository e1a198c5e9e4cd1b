// Every interface the kernel handles, one row each: the record its
// subsystem's service file exports (docs/architecture.md). kernel/main.ts
// registers this list before any process starts.
import { KernelService } from "./ipc/kernel-service";
import { service as registry } from "./ipc/service";
import { service as process } from "./proc/service";
import { service as kernelLog } from "./console/service";
import { service as system } from "./mem/service";
import { service as time } from "./time/service";
import { service as systemTime } from "./time/system-time-service";
import { service as random } from "./random/service";
import { service as pci } from "./pci/service";
import { service as hardware } from "./hardware/service";
import { service as power } from "./power/service";
import { service as display } from "./display/service";

export const KERNEL_SERVICES: KernelService[] = [registry, process, kernelLog, system, time, systemTime, random, pci, hardware, power, display];
