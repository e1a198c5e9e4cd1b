import assert from "node:assert/strict";
import { parseLogLine, parseProcessEnd, SerialSplitter } from "../../tools/hosted/output.ts";
import { parseRunOptions } from "../../tools/hosted/run.ts";

describe("atoll run: reading the hosted kernel's output", () => {
  it("parses the kernel's process-end lines", () => {
    assert.deepEqual(parseProcessEnd("hello (pid 3) exited with status 0"), { name: "hello", pid: 3, status: 0, reason: "" });
    assert.deepEqual(parseProcessEnd("my tool (pid 12) exited with status -2"), { name: "my tool", pid: 12, status: -2, reason: "" });
    assert.deepEqual(parseProcessEnd("trap (pid 4) ended: trapped: unreachable"), { name: "trap", pid: 4, status: null, reason: "trapped: unreachable" });
    assert.equal(parseProcessEnd("started process 3 (hello) bafkrei"), null);
  });

  it("splits serial output into kernel log lines and console text, however it is chunked", () => {
    const stream = "Atoll 0.1.0 - an operating system\r\n[    0.5] info  started process 1 (x)\r\nname? [not a log line]\r\n[   1.25] warn  odd\r\nbye";
    for (const size of [1, 3, stream.length]) {
      const logs: string[] = [];
      let text = "";
      const splitter = new SerialSplitter((t) => (text += t), (l) => logs.push(`${l.level}:${l.text}`));
      for (let i = 0; i < stream.length; i += size) splitter.feed(stream.slice(i, i + size));
      assert.deepEqual(logs, ["banner:Atoll 0.1.0 - an operating system", "info:started process 1 (x)", "warn:odd"]);
      assert.equal(text, "name? [not a log line]\r\nbye");
    }
    assert.equal(parseLogLine("[0.1] info  x\r")?.text, "x");
  });

  it("rejects bad options with a reason", () => {
    assert.equal(parseRunOptions(["--frob", "x.wasm"]), "unknown option --frob");
    assert.equal(parseRunOptions(["--handler", "console", "x.wasm"]), "--handler wants IFACE=MODULE, not 'console'");
    assert.equal(parseRunOptions(["--timeout", "soon", "x.wasm"]), "--timeout wants a number of seconds");
    assert.equal(parseRunOptions([]), "name at least one module");
    const opts = parseRunOptions(["--handler", "console=c.wasm", "--node", "x.wasm"]);
    assert.ok(typeof opts !== "string");
    assert.equal(opts.handlers.get("console"), "c.wasm");
    assert.equal(opts.node, true);
  });
});
