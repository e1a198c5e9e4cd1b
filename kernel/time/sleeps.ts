// Answers to time.sleepUntil that wait for their instant. The scheduler,
// when nothing is runnable, waits for the earliest of them.
import { Message } from "../ipc/message";
import { Process } from "../ipc/process";

export class Sleep {
  constructor(public deadline: u64, public sender: Process, public message: Message) {}
}

const sleeps: Sleep[] = [];

export function addSleep(sleep: Sleep): void {
  sleeps.push(sleep);
}

export function hasSleeps(): bool {
  return sleeps.length > 0;
}

/** The earliest deadline; only meaningful when hasSleeps(). */
export function nextDeadline(): u64 {
  let earliest = sleeps[0].deadline;
  for (let i = 1; i < sleeps.length; i++) earliest = min(earliest, sleeps[i].deadline);
  return earliest;
}

/** Removes and returns the sleeps whose deadline is at or before `now`. */
export function takeExpired(now: u64): Sleep[] {
  const expired: Sleep[] = [];
  for (let i = sleeps.length - 1; i >= 0; i--) {
    if (sleeps[i].deadline <= now) {
      expired.push(sleeps[i]);
      sleeps.splice(i, 1);
    }
  }
  return expired;
}

/** Forgets the sleeps of a process that ended. */
export function dropSleeps(p: Process): void {
  for (let i = sleeps.length - 1; i >= 0; i--) if (sleeps[i].sender === p) sleeps.splice(i, 1);
}
