// The console's two inputs turned into one kind of key: keyboard events
// (from the `keyboard` interface) and bytes from the serial port, where a
// terminal sends arrows and friends as escape sequences and characters as
// UTF-8.

export const enum Special {
  None,
  Up,
  Down,
  Right,
  Left,
  Home,
  End,
  Delete,
  Backspace,
  Enter,
}

export class Key {
  constructor(public special: Special, public text: string = "") {}

  /** What readKey gives for it: its text, or the control character or escape a terminal would send. */
  get typed(): string {
    if (this.special == Special.None) return this.text;
    if (this.special == Special.Enter) return "\n";
    if (this.special == Special.Backspace) return "\x7f";
    if (this.special <= Special.Left) return "\x1b[" + String.fromCharCode(0x40 + <i32>this.special);
    if (this.special == Special.Home) return "\x1b[H";
    if (this.special == Special.End) return "\x1b[F";
    return "\x1b[3~";
  }
}

const KEY_UP: u16 = 0xe048;
const KEY_DOWN: u16 = 0xe050;
const KEY_LEFT: u16 = 0xe04b;
const KEY_RIGHT: u16 = 0xe04d;
const KEY_HOME: u16 = 0xe047;
const KEY_END: u16 = 0xe04f;
const KEY_DELETE: u16 = 0xe053;

/** The key a keyboard press gives, or null for releases and keys that do nothing here. */
export function keyFromKeyboard(key: u16, pressed: bool, text: string): Key | null {
  if (!pressed) return null;
  if (key == KEY_UP) return new Key(Special.Up);
  if (key == KEY_DOWN) return new Key(Special.Down);
  if (key == KEY_LEFT) return new Key(Special.Left);
  if (key == KEY_RIGHT) return new Key(Special.Right);
  if (key == KEY_HOME) return new Key(Special.Home);
  if (key == KEY_END) return new Key(Special.End);
  if (key == KEY_DELETE) return new Key(Special.Delete);
  if (text == "\n") return new Key(Special.Enter);
  if (text == "\b") return new Key(Special.Backspace);
  return text.length > 0 ? new Key(Special.None, text) : null;
}

const enum SerialState {
  Text,
  Escape,
  Csi,
}

/** Serial bytes to keys: escape sequences, CR or LF for Enter, DEL or BS for Backspace, UTF-8. */
export class SerialDecoder {
  private state: SerialState = SerialState.Text;
  private parameter: string = "";
  private utf8: u8[] = [];
  private utf8Needed: i32 = 0;
  private lastWasCr: bool = false;

  byte(b: u8): Key | null {
    if (this.state == SerialState.Escape) {
      this.state = b == 0x5b || b == 0x4f ? SerialState.Csi : SerialState.Text;
      this.parameter = "";
      return null;
    }
    if (this.state == SerialState.Csi) return this.sequence(b);
    const afterCr = this.lastWasCr;
    this.lastWasCr = b == 0x0d;
    if (this.utf8Needed > 0) return this.continuation(b);
    if (b == 0x1b) this.state = SerialState.Escape;
    else if (b == 0x0d || (b == 0x0a && !afterCr)) return new Key(Special.Enter);
    else if (b == 0x7f || b == 0x08) return new Key(Special.Backspace);
    else if (b >= 0xc0 && b < 0xf8) this.startUtf8(b);
    else if (b != 0x0a && b < 0x80) return new Key(Special.None, String.fromCharCode(b));
    return null;
  }

  private sequence(b: u8): Key | null {
    if (b >= 0x30 && b <= 0x3f) {
      this.parameter += String.fromCharCode(b);
      return null;
    }
    this.state = SerialState.Text;
    if (b == 0x41) return new Key(Special.Up);
    if (b == 0x42) return new Key(Special.Down);
    if (b == 0x43) return new Key(Special.Right);
    if (b == 0x44) return new Key(Special.Left);
    if (b == 0x48) return new Key(Special.Home);
    if (b == 0x46) return new Key(Special.End);
    if (b != 0x7e) return null;
    if (this.parameter == "1" || this.parameter == "7") return new Key(Special.Home);
    if (this.parameter == "4" || this.parameter == "8") return new Key(Special.End);
    if (this.parameter == "3") return new Key(Special.Delete);
    return null;
  }

  private startUtf8(b: u8): void {
    this.utf8 = [b];
    this.utf8Needed = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
  }

  private continuation(b: u8): Key | null {
    if ((b & 0xc0) != 0x80) {
      this.utf8Needed = 0;
      return this.byte(b);
    }
    this.utf8.push(b);
    if (--this.utf8Needed > 0) return null;
    const bytes = new Uint8Array(this.utf8.length);
    for (let i = 0; i < this.utf8.length; i++) bytes[i] = this.utf8[i];
    return new Key(Special.None, String.UTF8.decode(bytes.buffer));
  }
}
