// Device interrupts handed to processes: ISA lines (hardware.subscribeIrq)
// and PCI functions' MSI vectors (pci.subscribeInterrupt) both end up as a
// vector whose arrivals become `interrupt` notifications to one process.
// The services that hand them out undo their own hardware set-up; this
// list only delivers.
import { takeVector } from "../arch/interrupts";
import { interruptNotification } from "../ipc/message";
import { Process } from "../ipc/process";
import { notify } from "../ipc/router";

/** Interrupt `irq` (what the process is told) arriving at `vector`. */
export class Subscription {
  constructor(public irq: u32, public vector: u32, public process: Process) {}
}

const subscriptions: Subscription[] = [];

export function subscribe(irq: u32, vector: u32, p: Process): void {
  takeVector(vector); // forget an arrival from before the subscription
  subscriptions.push(new Subscription(irq, vector, p));
}

export function subscriptionFor(irq: u32): Subscription | null {
  for (let i = 0; i < subscriptions.length; i++) if (subscriptions[i].irq == irq) return subscriptions[i];
  return null;
}

/** Drops the subscription to `irq`, if any. */
export function unsubscribe(irq: u32): void {
  for (let i = subscriptions.length - 1; i >= 0; i--) if (subscriptions[i].irq == irq) subscriptions.splice(i, 1);
}

/** Drops and returns `p`'s subscriptions to irqs in [low, high). */
export function unsubscribeProcess(p: Process, low: u32, high: u32): Subscription[] {
  const dropped: Subscription[] = [];
  for (let i = subscriptions.length - 1; i >= 0; i--) {
    const s = subscriptions[i];
    if (s.process !== p || s.irq < low || s.irq >= high) continue;
    dropped.push(s);
    subscriptions.splice(i, 1);
  }
  return dropped;
}

export function hasIrqSubscriptions(): bool {
  return subscriptions.length > 0;
}

/** Hands every interrupt that fired on a subscribed vector to its process. */
export function deliverIrqs(): void {
  for (let i = 0; i < subscriptions.length; i++) {
    const s = subscriptions[i];
    if (takeVector(s.vector)) notify(s.process, interruptNotification(s.irq));
  }
}
