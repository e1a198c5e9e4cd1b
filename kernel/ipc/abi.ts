// The system call ABI every module sees (imports from module "atoll"): flags,
// error codes and limits. The layout of notifications comes from
// interfaces/notification.interface, like any interface's. docs/ipc.md
// describes it all for module authors.
import {
  NOTIFICATION_ANSWER, NOTIFICATION_ANSWER_PAYLOAD_AT, NOTIFICATION_DESTROYED, NOTIFICATION_DESTROYED_PID_AT,
  NOTIFICATION_INCOMING, NOTIFICATION_INCOMING_PAYLOAD_AT, NOTIFICATION_INTERRUPT, NOTIFICATION_INTERRUPT_IRQ_AT,
} from "./interfaces.generated";

/** send flags */
export const SEND_NEEDS_ANSWER: u32 = 1;
/** With no handler registered yet, queue the message until one registers. */
export const SEND_ALLOW_DELAY: u32 = 2;
/** wait flags */
export const WAIT_BLOCK: u32 = 1;
/** Also return interface messages and process-destroyed notifications. */
export const WAIT_INTERFACE_MESSAGES: u32 = 2;
/** answer flag: the payload is an error. */
export const ANSWER_ERROR: u32 = 1;

export const OK: i32 = 0;
export const E_PERMISSION: i32 = -1;
export const E_NO_HANDLER: i32 = -2;
export const E_QUEUE_FULL: i32 = -3;
export const E_TOO_LARGE: i32 = -4;
export const E_BAD_POINTER: i32 = -5;
export const E_BUFFER_TOO_SMALL: i32 = -6;
export const E_UNKNOWN_MESSAGE: i32 = -7;
export const E_TOO_MANY_PENDING: i32 = -8;
export const E_INVALID: i32 = -9;
/** The sender's kernel memory account is at its quota, or the kernel's message pool is full. */
export const E_KERNEL_QUOTA: i32 = -10;

export const MAX_MESSAGE_BYTES: u32 = 64 << 10;
/** Notifications waiting to be read by one process. */
export const MAX_QUEUED: i32 = 128;
/**
 * A full queue still takes messages from a sender with fewer than this many
 * in it, up to MAX_QUEUED_SHARED in all: one flooder cannot lock the others out.
 */
export const MAX_QUEUE_SHARE: i32 = 16;
export const MAX_QUEUED_SHARED: i32 = 2 * MAX_QUEUED;
/** Messages one process may have sent and not yet had answered. */
export const MAX_PENDING_ANSWERS: i32 = 64;
/** Messages waiting for an interface's first handler. */
export const MAX_DELAYED: i32 = 64;
export const MAX_PROCESSES: i32 = 256;
/** Interfaces one process may handle (registry.register). */
export const MAX_HANDLED_INTERFACES: i32 = 256;
export const MAX_BUFFERS: u32 = 16;
/**
 * A process's kernel memory quota (kernel/ipc/account.ts) unless its
 * boot-configuration line sets one (kernel-memory=): 32 MiB.
 */
export const KERNEL_QUOTA_BYTES: u64 = 33554432;
/** What each kernel object costs its account beside its bytes: the record that keeps it. */
export const KERNEL_OBJECT_BYTES: u32 = 64;
/** An answer payload this small is delivered even past the asker's quota: no bigger than the error that would replace it. */
export const ANSWER_ALWAYS_BYTES: u32 = 256;
/**
 * Bytes of the kernel's message pool each process may hold even when the
 * pool is full, 16 KiB: room for small messages whatever others hold.
 */
export const POOL_SHARE_BYTES: u64 = 16384;

export const NOTIFY_ANSWER: u8 = NOTIFICATION_ANSWER;
export const NOTIFY_MESSAGE: u8 = NOTIFICATION_INCOMING;
export const NOTIFY_PROCESS_DESTROYED: u8 = NOTIFICATION_DESTROYED;
/** Bytes before an answer's payload data: the fields, then the payload's u32 length. */
export const ANSWER_HEADER: u32 = NOTIFICATION_ANSWER_PAYLOAD_AT + 4;
/** Bytes before an incoming message's payload data. */
export const MESSAGE_HEADER: u32 = NOTIFICATION_INCOMING_PAYLOAD_AT + 4;
export const DESTROYED_SIZE: u32 = NOTIFICATION_DESTROYED_PID_AT + 8;
export const NOTIFY_INTERRUPT: u8 = NOTIFICATION_INTERRUPT;
export const INTERRUPT_SIZE: u32 = NOTIFICATION_INTERRUPT_IRQ_AT + 4;
/** The largest notification: a wait buffer this big never gets E_BUFFER_TOO_SMALL. */
export const MAX_NOTIFICATION_BYTES: u32 = MESSAGE_HEADER + MAX_MESSAGE_BYTES;
