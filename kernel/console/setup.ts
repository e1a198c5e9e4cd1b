// Choosing the screen from what the boot loader reports: VGA text when GRUB
// left text mode (or said nothing under BIOS), otherwise a pixel framebuffer
// drawn with the embedded font.
import { BootInfo, FramebufferInfo, FramebufferType } from "../boot/multiboot2";
import { FONT_PSF, FONT_PSF_LENGTH } from "./font-data.generated";
import { fontError, parseFont } from "./font";
import { FramebufferScreen } from "./framebuffer";
import { PixelFormat } from "./pixel-format";
import { attachScreen } from "./output";
import { VgaTextScreen } from "./vga";

const VGA_TEXT: u64 = 0xb8000;

/** What the boot loader set up, for the display interface; null when there is no screen. */
export let bootDisplay: FramebufferInfo | null = null;

/** Attaches a screen; returns a description of it, or why there is none. */
export function setupScreen(boot: BootInfo): string {
  const fb = boot.framebuffer;
  if (fb == null) {
    if (boot.efi) return "no screen: UEFI boot without a framebuffer";
    bootDisplay = new FramebufferInfo(VGA_TEXT, 160, 80, 25, 16, FramebufferType.EgaText);
    attachScreen(new VgaTextScreen(VGA_TEXT, 80, 25, 160));
    return "VGA text 80x25 (assumed)";
  }
  if (fb.type == FramebufferType.EgaText) {
    bootDisplay = fb;
    attachScreen(new VgaTextScreen(fb.address, fb.width, fb.height, fb.pitch));
    return "VGA text " + fb.width.toString() + "x" + fb.height.toString();
  }
  if (fb.type != FramebufferType.Rgb || fb.bitsPerPixel < 15 || fb.bitsPerPixel > 32) {
    return "no screen: unsupported framebuffer (type " + fb.type.toString() + ", " + fb.bitsPerPixel.toString() + " bpp)";
  }
  bootDisplay = fb;
  const font = parseFont(FONT_PSF, FONT_PSF_LENGTH);
  if (font == null) return "no screen: embedded font unusable: " + fontError;
  const format = new PixelFormat(fb.bitsPerPixel, fb.redShift, fb.redBits, fb.greenShift, fb.greenBits, fb.blueShift, fb.blueBits);
  const screen = new FramebufferScreen(fb.address, fb.pitch, fb.width, fb.height, format, font);
  attachScreen(screen);
  return (
    "framebuffer " + fb.width.toString() + "x" + fb.height.toString() + "x" + fb.bitsPerPixel.toString() +
    " at 0x" + fb.address.toString(16) + ", " + screen.columns.toString() + "x" + screen.rows.toString() + " cells"
  );
}
