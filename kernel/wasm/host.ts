// The interface between the engine and whoever embeds it (the kernel, or the
// hosted test build). A host function is an object the embedder subclasses;
// it is called with its arguments on the value stack and answers at once,
// asks the caller to block, or traps.
import { Thread } from "./execute";

export const HOST_DONE = 0;
/** The caller sleeps; the embedder writes the results at thread.blockedResults and runs the thread again. */
export const HOST_BLOCK = 1;
/** The caller traps with thread.hostMessage. */
export const HOST_TRAP = 2;

export abstract class HostFunction {
  /**
   * Parameters are 8-byte slots at `args` (i32 and f32 in the low 4 bytes,
   * references as 0 for null or value + 1). Results are written to slots
   * starting at the same address. `thread.caller` is the calling instance,
   * whose memory a system call may read.
   */
  abstract invoke(thread: Thread, args: usize): i32;
}
