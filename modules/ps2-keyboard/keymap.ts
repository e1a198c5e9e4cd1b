// Scancode set 1 to key events: tracks the 0xe0 prefix and the modifier
// keys, and gives each press the text it types on a US keyboard.

const EXTENDED_PREFIX: u32 = 0xe0;
const EXTENDED: u32 = 0xe000;
const RELEASE: u32 = 0x80;
const LEFT_SHIFT: u32 = 0x2a;
const RIGHT_SHIFT: u32 = 0x36;
const CONTROL: u32 = 0x1d;
const ALT: u32 = 0x38;
const CAPS_LOCK: u32 = 0x3a;
const KEYPAD_ENTER: u32 = EXTENDED | 0x1c;
const KEYPAD_SLASH: u32 = EXTENDED | 0x35;
// QEMU and real controllers wrap some extended keys in fake shifts (0xe0 0x2a).
const FAKE_SHIFT: u32 = EXTENDED | LEFT_SHIFT;

export const SHIFT_BIT: u8 = 1;
export const CONTROL_BIT: u8 = 2;
export const ALT_BIT: u8 = 4;
export const CAPS_BIT: u8 = 8;

// Set 1 make codes 0x00-0x39 on a US keyboard, unshifted and shifted.
const PLAIN = "\0\x1b1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
const SHIFTED = "\0\x1b!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

export class KeyEvent {
  constructor(public key: u16, public pressed: bool, public modifiers: u8, public text: string) {}
}

function isLetter(c: i32): bool {
  return c >= 0x61 && c <= 0x7a;
}

export class Keymap {
  private extended: bool = false;
  private modifiers: u8 = 0;

  /** The event for one byte from the controller, or null when it only starts or ends a sequence. */
  scancode(byte: u32): KeyEvent | null {
    if (byte == EXTENDED_PREFIX) {
      this.extended = true;
      return null;
    }
    const key = (byte & ~RELEASE) | (this.extended ? EXTENDED : 0);
    this.extended = false;
    if (key == FAKE_SHIFT) return null;
    const pressed = (byte & RELEASE) == 0;
    this.track(key, pressed);
    return new KeyEvent(<u16>key, pressed, this.modifiers, pressed ? this.text(key) : "");
  }

  private track(key: u32, pressed: bool): void {
    const base = key & ~EXTENDED;
    let bit: u8 = 0;
    if (key == LEFT_SHIFT || key == RIGHT_SHIFT) bit = SHIFT_BIT;
    else if (base == CONTROL) bit = CONTROL_BIT;
    else if (base == ALT) bit = ALT_BIT;
    else if (key == CAPS_LOCK) {
      if (pressed) this.modifiers ^= CAPS_BIT;
      return;
    }
    if (bit == 0) return;
    if (pressed) this.modifiers |= bit;
    else this.modifiers &= ~bit;
  }

  private text(key: u32): string {
    if (key == KEYPAD_ENTER) return "\n";
    if (key == KEYPAD_SLASH) return "/";
    if (key >= <u32>PLAIN.length) return "";
    const plain = PLAIN.charCodeAt(<i32>key);
    if (plain == 0) return "";
    const shift = (this.modifiers & SHIFT_BIT) != 0;
    const caps = (this.modifiers & CAPS_BIT) != 0;
    if ((this.modifiers & CONTROL_BIT) != 0 && isLetter(plain)) return String.fromCharCode(plain - 0x60);
    const upper = isLetter(plain) ? shift != caps : shift;
    return (upper ? SHIFTED : PLAIN).charAt(<i32>key);
  }
}
