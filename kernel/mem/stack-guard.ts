// The guard page under the kernel's C stack (boot/multiboot2.S reserves it,
// stackGuard names it). Once unmapped, a stack overflow faults on it: the
// CPU cannot push the page fault's frame there either, so it raises a double
// fault on the IST1 stack instead, and the panic path asks isStackOverflow
// whether the faulting address (CR2) was the guard page.
import { stackGuard } from "../arch/hw";
import { FRAME_SIZE } from "./frames";
import { unmapSmallPage } from "./paging";

/** Unmaps the guard page; false if the page table frame it needs could not be had. */
export function protectKernelStack(): bool {
  return unmapSmallPage(stackGuard());
}

/** Whether a fault at `address` was the kernel's C stack running into its guard page. */
export function isStackOverflow(address: u64): bool {
  const guard = stackGuard();
  return address >= guard && address < guard + FRAME_SIZE;
}
