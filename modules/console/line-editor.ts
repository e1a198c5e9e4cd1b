// Reading a line: insertion at the cursor, backspace and delete, the arrows,
// home and end, and a history walked with up and down. Every change redraws
// the line with terminal escapes (carriage return, prompt, text, erase to
// the end, cursor back), which both the screen and a serial terminal follow.
import { Key, Special } from "./keys";

const MAX_HISTORY = 64;
const MAX_LINE = 1024;

export class LineEditor {
  finished: bool = false;
  /** The line Enter ended, valid once `finished` is set. */
  line: string = "";
  private history: string[] = [];
  private prompt: string = "";
  private text: string = "";
  private cursor: i32 = 0;
  /** Index into history while walking it; history.length means the line being typed. */
  private recalled: i32 = 0;
  private draft: string = "";

  /** Starts a new line; returns what to show. */
  begin(prompt: string): string {
    this.prompt = prompt;
    this.finished = false;
    this.text = "";
    this.cursor = 0;
    this.recalled = this.history.length;
    return prompt;
  }

  /** Applies a key: returns what to show, and sets `finished` when Enter ended the line. */
  key(k: Key): string {
    if (k.special == Special.Enter) return this.finish();
    if (k.special == Special.None) {
      if (k.text == "\x03") return this.cancel();
      if (k.text.charCodeAt(0) < 0x20 || this.text.length + k.text.length > MAX_LINE) return "";
      const atEnd = this.cursor == this.text.length;
      this.text = this.text.substring(0, this.cursor) + k.text + this.text.substring(this.cursor);
      this.cursor += k.text.length;
      // Typing at the end only needs the new text shown.
      if (atEnd) return k.text;
    } else if (k.special == Special.Backspace) {
      if (this.cursor == 0) return "";
      this.text = this.text.substring(0, this.cursor - 1) + this.text.substring(this.cursor);
      this.cursor--;
    } else if (k.special == Special.Delete) {
      this.text = this.text.substring(0, this.cursor) + this.text.substring(this.cursor + 1);
    } else if (k.special == Special.Left) this.cursor = max(0, this.cursor - 1);
    else if (k.special == Special.Right) this.cursor = min(this.text.length, this.cursor + 1);
    else if (k.special == Special.Home) this.cursor = 0;
    else if (k.special == Special.End) this.cursor = this.text.length;
    else if (k.special == Special.Up) this.recall(this.recalled - 1);
    else if (k.special == Special.Down) this.recall(this.recalled + 1);
    return this.redraw();
  }

  private finish(): string {
    this.finished = true;
    this.line = this.text;
    const last = this.history.length > 0 ? this.history[this.history.length - 1] : "";
    if (this.text.trim().length > 0 && this.text != last) {
      if (this.history.length == MAX_HISTORY) this.history.shift();
      this.history.push(this.text);
    }
    return "\n";
  }

  // Control-C abandons the line: it ends empty, like a shell's.
  private cancel(): string {
    this.text = "";
    this.finished = true;
    this.line = "";
    return "^C\n";
  }

  private recall(index: i32): void {
    if (index < 0 || index > this.history.length) return;
    if (this.recalled == this.history.length) this.draft = this.text;
    this.recalled = index;
    this.text = index == this.history.length ? this.draft : this.history[index];
    this.cursor = this.text.length;
  }

  private redraw(): string {
    const back = this.text.length - this.cursor;
    return "\r" + this.prompt + this.text + "\x1b[K" + (back > 0 ? "\x1b[" + back.toString() + "D" : "");
  }
}
