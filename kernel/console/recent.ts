// The kernel's record of its recent log lines (kernel-log.recent): the last
// MAX_LINES lines that were printed, at most RING_BYTES bytes of UTF-8
// text in all, each with its level. Like the rest of the console it never
// allocates while recording, so the panic path may log with a broken heap:
// the text and the line table are static memory, and the oldest lines make
// room for new ones. Everything recorded fits in one answer (64 KiB).
const RING_BYTES: u32 = 32 << 10;
const MAX_LINES: u32 = 256;
/** A longer line keeps its first MAX_LINE_BYTES bytes. */
const MAX_LINE_BYTES: u32 = 1024;

const text = memory.data(<i32>RING_BYTES);
// Per line: where its text starts (a running byte position), its length, its level.
const LINE_ENTRY: u32 = 8;
const table = memory.data(<i32>(MAX_LINES * LINE_ENTRY));
// Lines [first, next) are kept; `end` is the running byte position after the last.
let first: u32 = 0;
let next: u32 = 0;
let end: u32 = 0;
let lineLength: u32 = 0;

function entry(line: u32): usize {
  return table + (line % MAX_LINES) * LINE_ENTRY;
}

function appendByte(b: u32): void {
  if (lineLength == MAX_LINE_BYTES) return;
  store<u8>(text + (end + lineLength) % RING_BYTES, <u8>b);
  lineLength++;
}

// UTF-8 of one code point.
function appendCodePoint(c: u32): void {
  if (c < 0x80) {
    appendByte(c);
    return;
  }
  if (c < 0x800) {
    appendByte(0xc0 | (c >> 6));
  } else {
    if (c < 0x10000) appendByte(0xe0 | (c >> 12));
    else {
      appendByte(0xf0 | (c >> 18));
      appendByte(0x80 | ((c >> 12) & 0x3f));
    }
    appendByte(0x80 | ((c >> 6) & 0x3f));
  }
  appendByte(0x80 | (c & 0x3f));
}

/** Records a printed line. */
export function recordLine(level: i32, message: string): void {
  lineLength = 0;
  for (let i = 0; i < message.length; i++) {
    const c = <u32>message.codePointAt(i);
    if (c > 0xffff) i++;
    appendCodePoint(c);
  }
  // Drop the oldest lines until the new one fits in the table and the ring.
  while (next - first == MAX_LINES || (next != first && end + lineLength - load<u32>(entry(first)) > RING_BYTES)) first++;
  const at = entry(next);
  store<u32>(at, end);
  store<u16>(at + 4, <u16>lineLength);
  store<u8>(at + 6, <u8>level);
  end += lineLength;
  next++;
}

export class RecentLines {
  levels: u8[] = [];
  lines: string[] = [];
}

function lineText(line: u32): string {
  const at = entry(line);
  const start = load<u32>(at);
  const length = <u32>load<u16>(at + 4);
  const bytes = new Uint8Array(length);
  for (let i: u32 = 0; i < length; i++) bytes[i] = load<u8>(text + (start + i) % RING_BYTES);
  return String.UTF8.decodeUnsafe(bytes.dataStart, length);
}

/** The last `count` recorded lines of at least `level`, oldest first. */
export function recentLines(level: i32, count: u32): RecentLines {
  let from = next;
  let found: u32 = 0;
  while (from != first && found < count) {
    from--;
    if (<i32>load<u8>(entry(from) + 6) >= level) found++;
  }
  const result = new RecentLines();
  for (let line = from; line < next; line++) {
    const lineLevel = load<u8>(entry(line) + 6);
    if (<i32>lineLevel < level) continue;
    result.levels.push(lineLevel);
    result.lines.push(lineText(line));
  }
  return result;
}
