// The hosted kernel's one output stream, COM1, carries two things: the
// kernel's log lines ("[    0.123456] info  text") and whatever a console
// module writes to the serial port. These split them, and read the kernel's
// process-end lines.

export interface LogLine {
  level: string;
  text: string;
}

/** "[seconds.micros] level " at the start of every kernel log line. */
const STAMP = String.raw`\[\s*\d+\.\d+\] (\w+) +`;
const LOG_LINE = new RegExp(`^${STAMP}(.*)$`);
const LOG_LINES = new RegExp(`${STAMP}[^\n]*\n`, "g");
/** The kernel's first line, before any log line: logged at level "banner". */
const BANNER = /^Atoll \d+\.\d+\.\d+ - .*$/;

export function parseLogLine(line: string): LogLine | null {
  const text = line.replace(/\r$/, "");
  if (BANNER.test(text)) return { level: "banner", text };
  const m = LOG_LINE.exec(text);
  return m ? { level: m[1], text: m[2] } : null;
}

// Text that may start a log line or the banner, held until its line ends.
function mayBeLog(text: string): boolean {
  return text.startsWith("[") || "Atoll ".startsWith(text.slice(0, 6));
}

export interface ProcessEnd {
  name: string;
  pid: number;
  /** The status it exited with; null when it did not end by itself. */
  status: number | null;
  /** Why it ended when it did not exit (a trap, a kill); "" when it exited. */
  reason: string;
}

const EXITED = /^(.+) \(pid (\d+)\) exited with status (-?\d+)$/;
const ENDED = /^(.+) \(pid (\d+)\) ended: (.+)$/;

/** Reads the kernel's `<name> (pid <N>) exited with status <S>` and `<name> (pid <N>) ended: <reason>`. */
export function parseProcessEnd(text: string): ProcessEnd | null {
  const exited = EXITED.exec(text);
  if (exited) return { name: exited[1], pid: Number(exited[2]), status: Number(exited[3]), reason: "" };
  const ended = ENDED.exec(text);
  return ended ? { name: ended[1], pid: Number(ended[2]), status: null, reason: ended[3] } : null;
}

/**
 * Splits a stream of serial output into kernel log lines and console text.
 * A line that starts like a log line ("[") or the banner is held until it
 * ends, to see whether it is one; any other text passes at once, so prompts show before a newline.
 */
export class SerialSplitter {
  private pending = "";
  private atLineStart = true;

  constructor(
    private onConsole: (text: string) => void,
    private onLog: (line: LogLine) => void,
  ) {}

  feed(chunk: string): void {
    this.pending += chunk;
    while (this.pending.length > 0) {
      const newline = this.pending.indexOf("\n");
      const held = this.atLineStart && mayBeLog(this.pending);
      if (held && newline < 0) return;
      const end = newline < 0 ? this.pending.length : newline + 1;
      const piece = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      this.atLineStart = newline >= 0;
      const log = held ? parseLogLine(piece.replace(/\n$/, "")) : null;
      if (log) this.onLog(log);
      else this.onConsole(piece);
    }
  }
}

/** The serial output without the kernel's log lines, wherever they landed (even mid-line, after a prompt). */
export function withoutLogLines(serial: string): string {
  return serial.replace(/\r/g, "").replace(LOG_LINES, "");
}
