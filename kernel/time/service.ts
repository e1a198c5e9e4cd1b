// The "time" interface (interfaces/time.interface): the monotonic clock, and
// sleeps answered at their deadline; a process's sleeps go when it ends.
import * as time from "../../interfaces/as/generated/time";
import { TIME_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { Message } from "../ipc/message";
import { Process } from "../ipc/process";
import { kernelAnswer, refuseMalformed } from "../ipc/router";
import { addSleep, dropSleeps, Sleep } from "./sleeps";
import { lastNanos, nanosSinceEntry } from "./tsc";

function handle(sender: Process, m: Message): void {
  const p = m.payload;
  const sleep = time.decodeSleepUntil(p);
  if (time.decodeNow(p) !== null) kernelAnswer(sender, m, false, time.encodeNowAnswer(nanosSinceEntry()));
  else if (sleep === null) refuseMalformed(sender, m, "time");
  else if (sleep.nanos <= nanosSinceEntry() || !m.needsAnswer) kernelAnswer(sender, m, false, time.encodeSleepUntilAnswer());
  // An instant the clock never reaches is never answered, and keeps no
  // timer: the idle kernel halts rather than wait for it.
  else if (sleep.nanos <= lastNanos()) addSleep(new Sleep(sleep.nanos, sender, m));
}

export const service = new KernelService(TIME_INTERFACE, handle, dropSleeps);
