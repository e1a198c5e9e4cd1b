// The README and the docs stay true: the files they name exist, and the
// README's shell session is a real one: the commands it shows run on the
// hosted kernel (the image's own boot configuration, typed on the serial
// console), and what does not depend on the machine (QEMU with an e1000
// there, the Node simulator here) reads exactly as the README prints it.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { BootInfoBuilder } from "../../tools/hosted/multiboot2.ts";
import { withoutLogLines } from "../../tools/hosted/output.ts";
import { placeImageModules, SMALL_PC, typeOnSerial } from "../harness/boots.ts";
import { newMachine } from "../harness/machine.ts";

const README = new URL("../../README.md", import.meta.url).pathname;
const PROMPT = "atoll> ";

/** How a command's output is compared; null: it depends on the machine (devices, memory, time, log) or ends the session. */
const COMPARED: Record<string, ((output: string) => string) | null> = {
  help: (o) => o,
  "run hello to you": (o) => o,
  "run hello-c": (o) => o,
  // The handler column names pids, which differ without a PS/2 keyboard; names and hashes do not.
  interfaces: (o) => o.split("\n").map((line) => { const words = line.split(/ +/); return `${words[0]} ${words[words.length - 1]}`; }).join("\n"),
  "grants 5": (o) => o,
  "run nosuch": (o) => o,
  "kill 1x": (o) => o,
  ps: null,
  lspci: null,
  mem: null,
  uptime: null,
  "log warn": null,
  poweroff: null,
};

/** The README's session block: each command with the lines it printed. */
function readmeSession(): { command: string; output: string }[] {
  const text = readFileSync(README, "utf8");
  const block = /A session on the serial port[\s\S]*?```\n([\s\S]*?)```/.exec(text);
  assert.ok(block, "README.md has no serial session block");
  return sections(block[1]);
}

function sections(session: string): { command: string; output: string }[] {
  return session.split(`\n${PROMPT}`).slice(1).map((part) => {
    const [command, ...output] = part.replace(/\n$/, "").split("\n");
    return { command: command.trim(), output: output.join("\n") };
  });
}

const DOCS = ["README.md", ...readdirSync(new URL("../../docs/", import.meta.url).pathname).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("README and docs", function () {
  this.timeout(60_000);

  it("name only files that exist, and the README lists every document", () => {
    const root = new URL("../../", import.meta.url).pathname;
    for (const doc of DOCS) {
      const text = readFileSync(root + doc, "utf8");
      // Paths with a folder and a file name; bare names are read in their section's folder.
      for (const [, path] of text.matchAll(/`((?:[\w.-]+\/)+[\w.-]+\.(?:ts|c|h|S|md|json|conf|interface|mk|ld|cfg|hex))`/g)) {
        if (path.includes(".generated.") || path.startsWith("out/")) continue;
        assert.ok(existsSync(root + path), `${doc} cites ${path}, which does not exist`);
      }
    }
    const readme = readFileSync(README, "utf8");
    for (const doc of DOCS.slice(1)) assert.ok(readme.includes(`](${doc})`), `README.md does not link ${doc}`);
  });

  it("every command of the serial session is either compared or known to depend on the machine", () => {
    for (const { command } of readmeSession()) assert.ok(command in COMPARED, `README command '${command}' is not classified in ${import.meta.url}`);
  });

  it("the serial session prints on the hosted kernel what the README shows", async () => {
    const shown = readmeSession().filter(({ command }) => COMPARED[command]);
    const m = await newMachine();
    const info = new BootInfoBuilder().memoryMap(SMALL_PC);
    placeImageModules(m, info);
    typeOnSerial(m, shown.map(({ command }) => `${command}\r`));
    assert.equal(m.boot(info.build()), "halt", "the kernel stops when the typed input ends");
    // A log line can break a prompt; without the log lines that leaves a line break after it.
    const ran = sections(withoutLogLines(m.serial).replaceAll(`${PROMPT}\n`, PROMPT));
    for (const [i, { command, output }] of shown.entries()) {
      const normalise = COMPARED[command]!;
      assert.equal(ran[i]?.command, command);
      assert.equal(normalise(ran[i].output), normalise(output), `'${command}' prints something else than README.md shows`);
    }
  });
});
