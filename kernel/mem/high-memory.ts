// Putting RAM above 4 GiB to use. The boot code identity-maps only the
// first 4 GiB, and the kernel reaches physical memory through the identity
// map, so the frames above are handed out only once the map covers them:
// 2 MiB pages up to the end of RAM, their tables below 4 GiB.
import * as log from "../console/log";
import { allocatableFrames, enableHighMemory, FRAME_SIZE, freeFrameCount, highRamEnd, highTotalFrames, ignoredBytes, LOW_END } from "./frames";
import { identityMapLarge } from "./paging";

const LARGE_PAGE: u64 = 2 << 20;

function mib(bytes: u64): string {
  return (bytes >> 20).toString();
}

/** Maps and frees the RAM above 4 GiB, if there is any; logs what became of it. */
export function useHighMemory(): void {
  const end = highRamEnd();
  if (end != 0) {
    if (identityMapLarge(LOW_END, (end + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1))) {
      enableHighMemory();
      const reserve = freeFrameCount() - allocatableFrames();
      log.info("memory above 4 GiB: " + mib(highTotalFrames() * FRAME_SIZE) + " MiB mapped and in use; " + mib(reserve * FRAME_SIZE) + " MiB below 4 GiB kept for DMA");
    } else log.warn("no frame below 4 GiB for the page tables that map RAM above 4 GiB");
  }
  if (ignoredBytes() > 0) log.warn("ignoring " + mib(ignoredBytes()) + " MiB of RAM beyond the identity map");
}
