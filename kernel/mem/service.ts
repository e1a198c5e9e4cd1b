// The "system" interface (interfaces/system.interface): how the machine's
// memory is used. Physical figures are the frame allocator's (the RAM it
// may hand out, and the part of it above 4 GiB); heap figures are
// kernel/mem/heap.ts's, pool figures kernel/ipc/account.ts's.
import * as system from "../../interfaces/as/generated/system";
import { poolHeldBytes, poolLimitBytes } from "../ipc/account";
import { Message } from "../ipc/message";
import { SYSTEM_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { kernelAnswer, refuseMalformed } from "../ipc/router";
import { Process } from "../ipc/process";
import { freeFrameCount, FRAME_SIZE, highFreeFrames, highTotalFrames, totalFrames } from "./frames";
import { heapMappedBytes, heapUsedBytes } from "./heap";

function handleSystem(sender: Process, m: Message): void {
  if (system.decodeMemory(m.payload) === null) {
    refuseMalformed(sender, m, "system");
    return;
  }
  const answer = system.encodeMemoryAnswer(
    totalFrames() * FRAME_SIZE, freeFrameCount() * FRAME_SIZE, heapUsedBytes(), heapMappedBytes(),
    highTotalFrames() * FRAME_SIZE, highFreeFrames() * FRAME_SIZE, poolHeldBytes(), poolLimitBytes(),
  );
  kernelAnswer(sender, m, false, answer);
}

export const service = new KernelService(SYSTEM_INTERFACE, handleSystem);
