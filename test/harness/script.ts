// Test programs that send a fixed list of messages to kernel-handled
// interfaces and log every answer, and the decoding of those logs: the
// messages are encoded from the definitions in interfaces/ on the Node side
// (tools/interfaces/codec.ts), so a test reads like the calls it makes.
import { decodeAnswer, encodeMessage, Value } from "../../tools/interfaces/codec.ts";
import { interfaceHash, NOTIFICATION, program, testInterface, WAIT_BUFFER } from "../../tools/hosted/programs.ts";

export interface Step {
  iface: string;
  message: string;
  values?: Value[];
  /** Bytes to send instead of the encoded message (a malformed one, say). */
  raw?: Uint8Array;
  /** Send without asking for an answer (process.exit). */
  noAnswer?: boolean;
  /** Let the message wait for a handler to register (a module's interface). */
  allowDelay?: boolean;
}

const HASHES_AT = 2048;
const PAYLOADS_AT = 16384;
const HEX_DIGITS_AT = 39900;
const REPORT_AT = 40000;
// Answers land here rather than in the library's 4 KiB wait buffer, so a
// whole 64 KiB answer fits; offsets are the notification layout's.
const ANSWERS_AT = 60000;
const ANSWER_CAPACITY = 65590;
const answerAt = (address: number) => address - WAIT_BUFFER + ANSWERS_AT;
/** Answers longer than this are reported by their length alone (the hex would not fit one log line). */
const MAX_REPORTED = 8192;

// $await into the large buffer: the answer's error flag.
// $report logs "<0|1> <hex of the answer payload>" (1: an error answer),
// or "<0|1>L<hex of the u32 length>" for an answer over MAX_REPORTED bytes.
const HELPERS = `
  (func $awaitLarge (result i32)
    (call $expect (i32.gt_s (call $wait (i32.const 96) (i32.const 1) (i32.const 1) (i32.const ${ANSWERS_AT}) (i32.const ${ANSWER_CAPACITY})) (i32.const 0)) (i32.const 1))
    (i32.load8_u (i32.const ${answerAt(NOTIFICATION.at.answerError)})))
  (func $report (param $err i32)
    (local $i i32) (local $n i32) (local $from i32) (local $b i32) (local $out i32)
    (local.set $n (i32.load (i32.const ${answerAt(NOTIFICATION.at.answerLength)})))
    (local.set $from (i32.const ${answerAt(NOTIFICATION.at.answerData)}))
    (i32.store8 (i32.const ${REPORT_AT}) (i32.add (i32.const 48) (local.get $err)))
    (i32.store8 (i32.const ${REPORT_AT + 1}) (i32.const 32))
    (if (i32.gt_u (local.get $n) (i32.const ${MAX_REPORTED})) (then
      (local.set $from (i32.const ${answerAt(NOTIFICATION.at.answerLength)}))
      (local.set $n (i32.const 4))
      (i32.store8 (i32.const ${REPORT_AT + 1}) (i32.const 76))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $b (i32.load8_u (i32.add (local.get $from) (local.get $i))))
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
    const flags = (step.noAnswer ? 0 : 1) | (step.allowDelay ? 2 : 0);
    const send = `(call $expect (call $call (i32.const ${HASHES_AT + 32 * i}) (i32.const ${at}) (i32.const ${payload.length}) (i32.const ${flags})) (i32.const 0))`;
    at += payload.length + 16;
    return step.noAnswer ? send : `${send}\n(call $report (call $awaitLarge))`;
  });
  return program(testInterface("script"), body.join("\n") + after, hashes, HELPERS);
}

export class Reply {
  /** `bytes` is the payload, or its u32 length when `lengthOnly` (see MAX_REPORTED). */
  constructor(readonly error: boolean, readonly bytes: Uint8Array, readonly lengthOnly = false) {}

  /** The length of an answer too long to be reported whole. */
  get length(): number {
    if (!this.lengthOnly) throw new Error("the whole answer was reported");
    return Buffer.from(this.bytes).readUInt32LE();
  }

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
  const pattern = new RegExp(`info  ${name}: ([01])([ L])([0-9a-f]*)\\r?$`, "gm");
  return [...serial.matchAll(pattern)].map((m) => new Reply(m[1] === "1", new Uint8Array(Buffer.from(m[3], "hex")), m[2] === "L"));
}
