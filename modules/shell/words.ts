// Splitting a command line into words: spaces separate them, and double or
// single quotes keep spaces inside one word.

export class Words {
  constructor(public words: string[], public error: string) {}
}

export function splitWords(line: string): Words {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += String.fromCharCode(c);
    } else if (c == 0x22 || c == 0x27) {
      quote = c;
      inWord = true;
    } else if (c == 0x20 || c == 0x09) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += String.fromCharCode(c);
      inWord = true;
    }
  }
  if (quote != 0) return new Words([], "unterminated quote");
  if (inWord) words.push(word);
  return new Words(words, "");
}
