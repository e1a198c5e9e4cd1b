// The "display" interface: what the boot loader set up as the screen, and
// handing it to one process. While a process owns the screen the kernel's
// console writes only to the serial port, and the screen's memory counts
// as that process's claim for hardware.memoryRead/memoryWrite; when the
// owner ends the kernel draws again on a cleared screen.
import * as display from "../../interfaces/as/generated/display";
import { FramebufferInfo, FramebufferType } from "../boot/multiboot2";
import * as log from "../console/log";
import { lendScreen, resumeScreen } from "../console/output";
import { bootDisplay } from "../console/setup";
import { claimMemoryFor } from "../hardware/service";
import { Message } from "../ipc/message";
import { DISPLAY_INTERFACE } from "../ipc/interfaces.generated";
import { KernelService } from "../ipc/kernel-service";
import { kernelAnswer, kernelRefuse } from "../ipc/router";
import { Process } from "../ipc/process";

const KIND_NONE: u8 = 0;
const KIND_VGA_TEXT: u8 = 1;
const KIND_FRAMEBUFFER: u8 = 2;

let owner: Process | null = null;

function kindOf(fb: FramebufferInfo | null): u8 {
  if (fb === null) return KIND_NONE;
  return fb.type == FramebufferType.EgaText ? KIND_VGA_TEXT : KIND_FRAMEBUFFER;
}

function infoAnswer(): Uint8Array {
  const fb = bootDisplay;
  if (fb === null) return display.encodeInfoAnswer(KIND_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  return display.encodeInfoAnswer(
    kindOf(fb), fb.address, fb.width, fb.height, fb.pitch, <u8>fb.bitsPerPixel,
    <u8>fb.redShift, <u8>fb.redBits, <u8>fb.greenShift, <u8>fb.greenBits, <u8>fb.blueShift, <u8>fb.blueBits,
  );
}

function takeOver(sender: Process, m: Message): void {
  const fb = bootDisplay;
  const current = owner;
  if (fb === null) kernelRefuse(sender, m, "there is no screen to take over");
  else if (current === sender) kernelAnswer(sender, m, false, new Uint8Array(0));
  else if (current !== null) kernelRefuse(sender, m, "the screen is owned by process " + current.pid.toString());
  else {
    const holder = claimMemoryFor(sender.pid, fb.address, fb.address + <u64>fb.pitch * fb.height);
    if (holder != 0) {
      kernelRefuse(sender, m, "the screen's memory is claimed by process " + holder.toString());
      return;
    }
    log.info("display: process " + sender.pid.toString() + " (" + sender.name + ") owns the screen; the console goes on on the serial port");
    owner = sender;
    lendScreen();
    kernelAnswer(sender, m, false, new Uint8Array(0));
  }
}

function handleDisplay(sender: Process, m: Message): void {
  const p = m.payload;
  if (display.decodeInfo(p) !== null) kernelAnswer(sender, m, false, infoAnswer());
  else if (display.decodeTakeOver(p) !== null) takeOver(sender, m);
  else kernelRefuse(sender, m, "malformed display message");
}

/** A process ended: if it owned the screen, the kernel draws on it again. */
function releaseDisplay(p: Process): void {
  if (owner !== p) return;
  owner = null;
  resumeScreen();
  log.info("display: the kernel draws on the screen again (process " + p.pid.toString() + " ended)");
}

export const service = new KernelService(DISPLAY_INTERFACE, handleDisplay, releaseDisplay);
