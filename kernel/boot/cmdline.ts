// The kernel command line: space-separated words, each "key" or "key=value".

export class CommandLine {
  keys: string[] = [];
  values: string[] = [];

  has(key: string): bool {
    return this.keys.includes(key);
  }

  /** The value of the last "key=value", or `fallback` when absent. */
  get(key: string, fallback: string = ""): string {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) return this.values[i];
    }
    return fallback;
  }
}

export function parseCommandLine(text: string): CommandLine {
  const line = new CommandLine();
  const words = text.split(" ");
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.length == 0) continue;
    const eq = word.indexOf("=");
    line.keys.push(eq < 0 ? word : word.substring(0, eq));
    line.values.push(eq < 0 ? "" : word.substring(eq + 1));
  }
  return line;
}
