// Uses the "echo" interface: sends numbered greetings, checks each answer,
// and logs the outcome through the "log" interface.
import { call } from "../../interfaces/as/atoll";
import * as echo from "../../interfaces/as/generated/echo";
import * as log from "../../interfaces/as/log";

const ROUNDS = 1000;

export function _start(): void {
  for (let i = 0; i < ROUNDS; i++) {
    const greeting = "hello " + i.toString();
    const answer = call(echo.INTERFACE, echo.encodeEcho(Uint8Array.wrap(String.UTF8.encode(greeting))));
    if (answer.isError) {
      log.error("greeter: round " + i.toString() + " failed: " + answer.error);
      return;
    }
    const reply = echo.decodeEchoAnswer(answer.payload);
    if (reply === null) {
      log.error("greeter: round " + i.toString() + " got a malformed answer");
      return;
    }
    const text = String.UTF8.decodeUnsafe(reply.data.dataStart, reply.data.length);
    if (text != greeting) {
      log.error("greeter: round " + i.toString() + " echoed '" + text + "'");
      return;
    }
  }
  log.info("greeter: " + ROUNDS.toString() + " greetings echoed");
}
