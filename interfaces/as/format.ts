// Text for people: sizes, durations, hex, and columns, as the shell and top print them.

export function bytes(n: u64): string {
  if (n < 10 << 10) return n.toString() + " B";
  if (n < 10 << 20) return (n >> 10).toString() + " KiB";
  if (n < <u64>10 << 30) return (n >> 20).toString() + " MiB";
  return (n >> 30).toString() + " GiB";
}

function twoDigits(n: u64): string {
  return n.toString().padStart(2, "0");
}

/** h:mm:ss.mmm, with days in front when there are any. */
export function duration(nanos: u64): string {
  const millis = nanos / 1_000_000;
  const seconds = millis / 1000;
  const days = seconds / 86400;
  const clock = ((seconds / 3600) % 24).toString() + ":" + twoDigits((seconds / 60) % 60) + ":" + twoDigits(seconds % 60) +
    "." + (millis % 1000).toString().padStart(3, "0");
  return days > 0 ? days.toString() + "d " + clock : clock;
}

export function hex(data: StaticArray<u8>, count: i32): string {
  let text = "";
  for (let i = 0; i < count && i < data.length; i++) text += (<u32>data[i]).toString(16).padStart(2, "0");
  return text;
}

/** Rows of cells padded to their columns' widths; columns listed in `right` are right-aligned. */
export function table(rows: string[][], right: i32[]): string {
  const widths: i32[] = [];
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r].length; c++) {
      if (c >= widths.length) widths.push(0);
      widths[c] = max(widths[c], rows[r][c].length);
    }
  }
  let text = "";
  for (let r = 0; r < rows.length; r++) {
    const cells: string[] = [];
    for (let c = 0; c < rows[r].length; c++) {
      const last = c == rows[r].length - 1;
      const cell = rows[r][c];
      cells.push(right.includes(c) ? cell.padStart(widths[c]) : last ? cell : cell.padEnd(widths[c]));
    }
    text += cells.join("  ") + "\n";
  }
  return text;
}
