// The "random" interface (interfaces/random.interface): bytes from the
// kernel's ChaCha20 generator, a bounded number per message.
import * as random from "../../interfaces/as/generated/random";
import { RANDOM_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { Message } from "../ipc/message";
import { Process } from "../ipc/process";
import { kernelAnswer, kernelRefuse, refuseMalformed } from "../ipc/router";
import { randomFill } from "./generator";

const MAX_RANDOM_BYTES: u32 = 4096;

function handle(sender: Process, m: Message): void {
  const request = random.decodeFill(m.payload);
  if (request === null) return refuseMalformed(sender, m, "random");
  if (request.length > MAX_RANDOM_BYTES) return kernelRefuse(sender, m, "at most " + MAX_RANDOM_BYTES.toString() + " random bytes per message");
  const bytes = new Uint8Array(<i32>request.length);
  randomFill(bytes.dataStart, request.length);
  kernelAnswer(sender, m, false, random.encodeFillAnswer(bytes));
}

export const service = new KernelService(RANDOM_INTERFACE, handle);
