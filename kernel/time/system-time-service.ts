// The "system-time" interface (interfaces/system-time.interface): the wall
// clock, kernel/time/rtc.ts's reading at boot carried forward.
import * as systemTime from "../../interfaces/as/generated/system-time";
import { SYSTEM_TIME_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { Message } from "../ipc/message";
import { Process } from "../ipc/process";
import { kernelAnswer, refuseMalformed } from "../ipc/router";
import { wallClockNanos } from "./rtc";

function handle(sender: Process, m: Message): void {
  if (systemTime.decodeNow(m.payload) !== null) kernelAnswer(sender, m, false, systemTime.encodeNowAnswer(wallClockNanos()));
  else refuseMalformed(sender, m, "system-time");
}

export const service = new KernelService(SYSTEM_TIME_INTERFACE, handle);
