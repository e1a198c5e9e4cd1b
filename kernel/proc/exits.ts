// How processes ended: the one log line per end (tools parse it; the format
// is in docs/ipc.md), the answers to process.wait, and the statuses of the
// last RECENT_ENDS processes, so a wait that comes after the end (a child
// that finished before its parent asked) is still answered.
import { encodeWaitAnswer } from "../../interfaces/as/generated/process";
import * as log from "../console/log";
import { Message } from "../ipc/message";
import { poolProblem } from "../ipc/account";
import { hold, kernelAnswer, kernelRefuse } from "../ipc/router";
import { Process } from "../ipc/process";
import { processByPid } from "./table";

const RECENT_ENDS = 64;

class End {
  constructor(public pid: u64, public status: i32, public reason: string) {}
}

const recent: End[] = [];

/** `p` has ended (exitStatus and exitReason are set): log it, answer its waiters, remember it. */
export function recordEnd(p: Process): void {
  const who = p.name + " (pid " + p.pid.toString() + ")";
  if (p.exitReason.length == 0) log.info(who + " exited with status " + p.exitStatus.toString());
  else log.info(who + " ended: " + p.exitReason);
  const end = new End(p.pid, p.exitStatus, p.exitReason);
  for (let i = 0; i < p.waiters.length; i++) answerEnd(p.waiters[i], end);
  p.waiters.length = 0;
  if (recent.length == RECENT_ENDS) recent.shift();
  recent.push(end);
}

function answerEnd(m: Message, end: End): void {
  const waiter = m.sender;
  if (waiter !== null) kernelAnswer(waiter, m, false, encodeWaitAnswer(end.status, end.reason));
}

// Waiters whose sender ended or cancelled are dropped as new ones come, so
// the list is bounded by what live processes still await.
function keepWaiter(target: Process, m: Message): void {
  const kept = new Array<Message>();
  for (let i = 0; i < target.waiters.length; i++) {
    const w = target.waiters[i];
    const waiter = w.sender;
    if (waiter !== null && waiter.alive && waiter.awaiting.has(w.id)) kept.push(w);
  }
  kept.push(m);
  target.waiters = kept;
}

function recentEnd(pid: u64): End | null {
  for (let i = 0; i < recent.length; i++) if (recent[i].pid == pid) return recent[i];
  return null;
}

/** process.wait(pid): answered when `pid` ends, at once if it ended recently. */
export function waitFor(sender: Process, m: Message, pid: u64): void {
  const target = processByPid(pid);
  if (target === sender) kernelRefuse(sender, m, "a process cannot wait for itself");
  // A wait that needs no answer has nothing to wait for: it is not kept.
  else if (target !== null) {
    if (!m.needsAnswer) return;
    if (hold(sender, m)) keepWaiter(target, m);
    else kernelRefuse(sender, m, poolProblem(sender, m.notification.cost));
  }
  else {
    const end = recentEnd(pid);
    if (end !== null) answerEnd(m, end);
    else kernelRefuse(sender, m, "no process " + pid.toString() + " (nor among the last " + RECENT_ENDS.toString() + " that ended)");
  }
}
