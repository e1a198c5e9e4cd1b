// The "display" interface: what the boot loader set up as the screen, and
// handing it to one process. While a process owns the screen the kernel's
// console writes only to the serial port, and the screen's memory counts
// as that process's claim for hardware.memoryRead/memoryWrite; when the
// owner ends the kernel draws again on a cleared screen.
import { FramebufferInfo, FramebufferType } from "../boot/multiboot2";
import * as log from "../console/log";
import { lendScreen, resumeScreen } from "../console/output";
import { bootDisplay } from "../console/setup";
import { claimMemoryFor } from "../hardware/service";
import { DISPLAY_INFO, DISPLAY_TAKE_OVER } from "../ipc/interfaces.generated";
import { Message } from "../ipc/message";
import { kernelAnswer, kernelRefuse } from "../ipc/router";
import { Process } from "../proc/process";

const KIND_NONE: u8 = 0;
const KIND_VGA_TEXT: u8 = 1;
const KIND_FRAMEBUFFER: u8 = 2;
/** kind u8, physical u64, width, height, pitch u32, bitsPerPixel and six colour bytes. */
const INFO_BYTES = 28;

let owner: Process | null = null;

function kindOf(fb: FramebufferInfo | null): u8 {
  if (fb === null) return KIND_NONE;
  return fb.type == FramebufferType.EgaText ? KIND_VGA_TEXT : KIND_FRAMEBUFFER;
}

function infoAnswer(): Uint8Array {
  const answer = new Uint8Array(INFO_BYTES);
  const fb = bootDisplay;
  answer[0] = kindOf(fb);
  if (fb === null) return answer;
  const at = answer.dataStart;
  store<u64>(at + 1, fb.address);
  store<u32>(at + 9, fb.width);
  store<u32>(at + 13, fb.height);
  store<u32>(at + 17, fb.pitch);
  const bytes: StaticArray<u32> = [fb.bitsPerPixel, fb.redShift, fb.redBits, fb.greenShift, fb.greenBits, fb.blueShift, fb.blueBits];
  for (let i = 0; i < bytes.length; i++) answer[21 + i] = <u8>bytes[i];
  return answer;
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

export function handleDisplay(sender: Process, m: Message): void {
  const p = m.payload;
  if (p.length == 1 && p[0] == DISPLAY_INFO) kernelAnswer(sender, m, false, infoAnswer());
  else if (p.length == 1 && p[0] == DISPLAY_TAKE_OVER) takeOver(sender, m);
  else kernelRefuse(sender, m, "malformed display message");
}

/** A process ended: if it owned the screen, the kernel draws on it again. */
export function releaseDisplay(p: Process): void {
  if (owner !== p) return;
  owner = null;
  resumeScreen();
  log.info("display: the kernel draws on the screen again (process " + p.pid.toString() + " ended)");
}
