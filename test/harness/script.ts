// Test programs that send a fixed list of messages to kernel-handled
// interfaces and log every answer, and the decoding of those logs: the
// messages are encoded from the definitions in interfaces/ on the Node side
// (tools/interfaces/codec.ts), so a test reads like the calls it makes.
import { decodeAnswer, encodeMessage, Value } from "../../tools/interfaces/codec.ts";
import { interfaceHash, NOTIFICATION, program, testInterface } from "../../tools/hosted/programs.ts";

export interface Step {
  iface: string;
  message: string;
  values?: Value[];
  /** Bytes to send instead of the encoded message (a malformed one, say). */
  raw?: Uint8Array;
  /** Send without asking for an answer (process.exit). */
  noAnswer?: boolean;
}

const HASHES_AT = 2048;
const PAYLOADS_AT = 16384;
const HEX_DIGITS_AT = 39900;
const REPORT_AT = 40000;

// Logs "<0|1> <hex of the answer payload>" (1: an error answer).
const REPORT = `
  (func $report (param $err i32)
    (local $i i32) (local $n i32) (local $b i32) (local $out i32)
    (local.set $n (i32.load (i32.const ${NOTIFICATION.at.answerLength})))
    (i32.store8 (i32.const ${REPORT_AT}) (i32.add (i32.const 48) (local.get $err)))
    (i32.store8 (i32.const ${REPORT_AT + 1}) (i32.const 32))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $b (i32.load8_u (i32.add (i32.const ${NOTIFICATION.at.answerData}) (local.get $i))))
      (local.set $out (i32.add (i32.const ${REPORT_AT + 2}) (i32.shl (local.get $i) (i32.const 1))))
      (i32.store8 (local.get $out) (i32.load8_u (i32.add (i32.const ${HEX_DIGITS_AT}) (i32.shr_u (local.get $b) (i32.const 4)))))
      (i32.store8 offset=1 (local.get $out) (i32.load8_u (i32.add (i32.const ${HEX_DIGITS_AT}) (i32.and (local.get $b) (i32.const 15)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (call $log (i32.const ${REPORT_AT}) (i32.add (i32.const 2) (i32.shl (local.get $n) (i32.const 1)))))
  (data (i32.const ${HEX_DIGITS_AT}) "0123456789abcdef")`;

/** A program that sends `steps` in order, waiting for and logging each answer; `after` runs at the end. */
export function scriptProgram(steps: Step[], after = ""): Uint8Array {
  const hashes: Record<number, string> = {};
  let at = PAYLOADS_AT;
  const body = steps.map((step, i) => {
    const payload = step.raw ?? encodeMessage(step.iface, step.message, step.values ?? []);
    hashes[HASHES_AT + 32 * i] = interfaceHash(step.iface);
    hashes[at] = Buffer.from(payload).toString("hex");
    const send = `(call $expect (call $call (i32.const ${HASHES_AT + 32 * i}) (i32.const ${at}) (i32.const ${payload.length}) (i32.const ${step.noAnswer ? 0 : 1})) (i32.const 0))`;
    at += payload.length + 16;
    return step.noAnswer ? send : `${send}\n(call $report (call $await))`;
  });
  return program(testInterface("script"), body.join("\n") + after, hashes, REPORT);
}

export class Reply {
  constructor(readonly error: boolean, readonly bytes: Uint8Array) {}

  /** The error answer's reason; throws on a successful answer. */
  get reason(): string {
    if (!this.error) throw new Error(`expected an error answer, got ${Buffer.from(this.bytes).toString("hex")}`);
    return Buffer.from(this.bytes).toString("utf8");
  }

  /** The answer decoded as `iface`.`message`'s; throws on an error answer. */
  as(iface: string, message: string): Record<string, Value> {
    if (this.error) throw new Error(`error answer: ${Buffer.from(this.bytes).toString("utf8")}`);
    return decodeAnswer(iface, message, this.bytes);
  }
}

/** The answers program `name` logged, in order. */
export function replies(serial: string, name: string): Reply[] {
  const pattern = new RegExp(`info  ${name}: ([01]) ([0-9a-f]*)\\r?$`, "gm");
  return [...serial.matchAll(pattern)].map((m) => new Reply(m[1] === "1", new Uint8Array(Buffer.from(m[2], "hex"))));
}
