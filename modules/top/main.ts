// A live view of the processes, redrawn every second: each one's share of
// the instructions run since the last redraw, its memory and state. q quits.
import { call, nextEvent, request } from "../../interfaces/as/atoll";
import { print, size } from "../../interfaces/as/console";
import * as consoleInterface from "../../interfaces/as/generated/console";
import * as processInterface from "../../interfaces/as/generated/process";
import * as system from "../../interfaces/as/generated/system";
import * as time from "../../interfaces/as/generated/time";
import { exit, stateName } from "../../interfaces/as/process";
import { bytes, duration, table } from "../../interfaces/as/format";

const INTERVAL: u64 = 1_000_000_000;
// Lines the header and the column titles take.
const HEADER_LINES: i32 = 3;

let lastFuel = new Map<u64, u64>();

class Row {
  constructor(public cells: string[], public fuel: u64) {}
}

function now(): u64 {
  const answer = call(time.INTERFACE, time.encodeNow());
  if (answer.isError) return 0;
  const decoded = time.decodeNowAnswer(answer.payload);
  return decoded === null ? 0 : decoded.nanos;
}

function memoryLine(): string {
  const answer = call(system.INTERFACE, system.encodeMemory());
  if (answer.isError) return "";
  const m = system.decodeMemoryAnswer(answer.payload);
  if (m === null) return "";
  return ", memory " + bytes(m.physicalTotal - m.physicalFree) + " of " + bytes(m.physicalTotal) + " used";
}

function rows(list: processInterface.ListAnswer): Row[] {
  const fuel = new Map<u64, u64>();
  const result: Row[] = [];
  let total: u64 = 0;
  for (let i = 0; i < list.pids.length; i++) {
    const pid = list.pids[i];
    const used = list.fuel[i] - (lastFuel.has(pid) ? lastFuel.get(pid) : 0);
    fuel.set(pid, list.fuel[i]);
    total += used;
    result.push(new Row([pid.toString(), list.names[i], stateName(list.states[i]), bytes(list.memory[i])], used));
  }
  lastFuel = fuel;
  for (let i = 0; i < result.length; i++) {
    const share = total == 0 ? 0 : (result[i].fuel * 1000) / total;
    result[i].cells.push((share / 10).toString() + "." + (share % 10).toString() + "%");
  }
  return result.sort((a, b) => (a.fuel > b.fuel ? -1 : a.fuel < b.fuel ? 1 : 0));
}

function redraw(screenRows: i32): void {
  const answer = call(processInterface.INTERFACE, processInterface.encodeList());
  if (answer.isError) {
    print("top: " + answer.error + "\n");
    exit(1);
  }
  const list = processInterface.decodeListAnswer(answer.payload);
  if (list === null) return;
  const lines: string[][] = [["PID", "NAME", "STATE", "MEMORY", "CPU"]];
  const sorted = rows(list);
  for (let i = 0; i < sorted.length && i < screenRows - HEADER_LINES; i++) lines.push(sorted[i].cells);
  const header = "top - up " + duration(now()) + ", " + list.pids.length.toString() + " processes" + memoryLine();
  print("\x1b[2J\x1b[H" + header + "\n\n" + table(lines, [0, 3, 4]));
}

export function _start(): void {
  const screenRows = <i32>size()[1];
  let key = request(consoleInterface.INTERFACE, consoleInterface.encodeReadKey());
  for (;;) {
    redraw(screenRows);
    const tick = request(time.INTERFACE, time.encodeSleepUntil(now() + INTERVAL));
    for (;;) {
      const event = nextEvent([<u64>key, <u64>tick]);
      const answer = event.answer;
      if (answer === null) continue;
      if (event.answered == <u64>tick) break;
      const typed = consoleInterface.decodeReadKeyAnswer(answer.payload);
      if (answer.isError || (typed !== null && typed.text == "q")) {
        print("\n");
        return;
      }
      key = request(consoleInterface.INTERFACE, consoleInterface.encodeReadKey());
    }
  }
}
