// Checks the time interface: sleeps 200 ms ten times, measures the total
// with time.now, and logs it with the error against the 2 s asked for.
// Also logs the wall clock and a few random bytes.
import { call } from "../../interfaces/as/atoll";
import * as log from "../../interfaces/as/log";
import * as random from "../../interfaces/as/generated/random";
import * as systemTime from "../../interfaces/as/generated/system-time";
import * as time from "../../interfaces/as/generated/time";

const SLEEPS = 10;
const SLEEP_NANOS: u64 = 200_000_000;

// The answer's payload, or null after logging why there is none.
function ask(what: string, iface: StaticArray<u8>, message: Uint8Array): Uint8Array | null {
  const answer = call(iface, message);
  if (!answer.isError) return answer.payload;
  log.error("clock: " + what + " failed: " + answer.error);
  return null;
}

function now(): u64 {
  const payload = ask("time.now", time.INTERFACE, time.encodeNow());
  if (payload === null) return 0;
  const decoded = time.decodeNowAnswer(payload);
  return decoded === null ? 0 : decoded.nanos;
}

function logWallClock(): void {
  const payload = ask("system-time.now", systemTime.INTERFACE, systemTime.encodeNow());
  if (payload === null) return;
  const decoded = systemTime.decodeNowAnswer(payload);
  if (decoded !== null) log.info("clock: wall clock " + (decoded.unixNanos / 1_000_000_000).toString() + " s since 1970");
}

function logRandomBytes(): void {
  const payload = ask("random.fill", random.INTERFACE, random.encodeFill(8));
  if (payload === null) return;
  const decoded = random.decodeFillAnswer(payload);
  if (decoded === null) return;
  let hex = "";
  for (let i = 0; i < decoded.bytes.length; i++) hex += (<u32>decoded.bytes[i]).toString(16).padStart(2, "0");
  log.info("clock: 8 random bytes " + hex);
}

export function _start(): void {
  logWallClock();
  logRandomBytes();
  const start = now();
  let deadline = start;
  for (let i = 0; i < SLEEPS; i++) {
    deadline += SLEEP_NANOS;
    ask("time.sleepUntil", time.INTERFACE, time.encodeSleepUntil(deadline));
  }
  const took = now() - start;
  const asked = <u64>SLEEPS * SLEEP_NANOS;
  const off = took > asked ? took - asked : asked - took;
  log.info("clock: slept " + SLEEPS.toString() + " x 200 ms in " + (took / 1_000_000).toString() + " ms (" + ((off * 1000) / asked).toString() + " per mille off)");
}
