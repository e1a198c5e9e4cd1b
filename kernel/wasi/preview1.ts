// WASI preview 1 (wasi_snapshot_preview1) for programs written against it.
// Each function is a row of FUNCTIONS: its name, its parameter types and
// what it does, a thin translation to Atoll's interfaces sent as the
// program itself, so its grants decide what it may do (docs/wasi.md):
// standard output and error go to `console` (or `log`), standard input comes
// from `console.readLine`, clocks from `time` and `system-time`, random
// bytes from `random`, sleeps in poll_oneoff from `time.sleepUntil`. A
// function that cannot apply answers an errno
// (ENOSYS, EBADF, ...), never a trap. There are no preopened directories
// yet: every path function answers EBADF.
import * as consoleCodec from "../../interfaces/as/generated/console";
import * as logCodec from "../../interfaces/as/generated/log";
import * as randomCodec from "../../interfaces/as/generated/random";
import * as systemTimeCodec from "../../interfaces/as/generated/system-time";
import * as timeCodec from "../../interfaces/as/generated/time";
import { E_PERMISSION, MESSAGE_HEADER, MAX_MESSAGE_BYTES } from "../ipc/abi";
import { answerPayload, askError, askKernel, callInterface, isErrorAnswer, PendingCall, sendAs } from "../ipc/host-call";
import { CONSOLE_INTERFACE, LOG_INTERFACE, RANDOM_INTERFACE, SYSTEM_TIME_INTERFACE, TIME_INTERFACE } from "../ipc/interfaces.generated";
import { Process } from "../ipc/process";
import { inMemory, memoryBase, setResult, SystemCall, SystemCalls } from "../ipc/system-call";
import { HOST_BLOCK } from "../wasm/host";
import { Module } from "../wasm/module";
import { I32, I64 } from "../wasm/types";
import { EBADF, EFAULT, EINVAL, EIO, ENOSYS, ENOTCAPABLE, ENOTSOCK, ENOTSUP, ESPIPE, ESUCCESS } from "./errno";

const WASI = "wasi_snapshot_preview1";
const STDIN: u32 = 0;
const STDERR: u32 = 2;
const CLOCK_REALTIME: u32 = 0;
const CLOCK_THREAD_CPUTIME: u32 = 3;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
/** fd_read, fd_write and poll_fd_readwrite: what the standard streams allow. */
const STREAM_RIGHTS: u64 = (1 << 1) | (1 << 6) | (1 << 27);
const RANDOM_CHUNK: u32 = 4096;
/** Buffers one fd_read or fd_write takes, as POSIX's IOV_MAX: past it, EINVAL. */
const MAX_IOVECS: u32 = 1024;
/** Subscriptions one poll_oneoff takes: past it, EINVAL, so one call's work stays bounded. */
const MAX_SUBSCRIPTIONS: u32 = 1024;
/** Text per console or log message: what a message holds, with room for its fields. */
const TEXT_CHUNK: u32 = MAX_MESSAGE_BYTES - MESSAGE_HEADER - 64;

/** What the WASI functions of one process share. */
class WasiState {
  /** Bytes of the last console line not yet read by fd_read. */
  stdin: Uint8Array = new Uint8Array(0);
}

type Handler = (state: WasiState, p: Process, args: usize) => i32;

class WasiCall extends SystemCall {
  constructor(public state: WasiState, public handler: Handler) {
    super();
  }

  call(p: Process, args: usize): i32 {
    return this.handler(this.state, p, args);
  }
}

/** Parameter `index` of a host call (8-byte slots). */
function arg32(args: usize, index: i32): u32 {
  return load<u32>(args + (<usize>index << 3));
}

function arg64(args: usize, index: i32): u64 {
  return load<u64>(args + (<usize>index << 3));
}

function errno(args: usize, value: i32): i32 {
  return setResult(args, value);
}

// The program's arguments: its name, then what it was started with.
function argumentsOf(p: Process): string[] {
  const all = [p.name];
  for (let i = 0; i < p.arguments.length; i++) all.push(p.arguments[i]);
  return all;
}

// Writes `strings` NUL-terminated from `buffer` with a pointer to each at `pointers`.
function writeStrings(p: Process, args: usize, strings: string[]): i32 {
  const pointers = arg32(args, 0);
  let at = arg32(args, 1);
  if (!inMemory(p, pointers, <u64>strings.length * 4)) return errno(args, EFAULT);
  for (let i = 0; i < strings.length; i++) {
    const bytes = String.UTF8.encode(strings[i], true);
    if (!inMemory(p, at, bytes.byteLength)) return errno(args, EFAULT);
    store<u32>(memoryBase(p) + pointers + i * 4, at);
    memory.copy(memoryBase(p) + at, changetype<usize>(bytes), bytes.byteLength);
    at += bytes.byteLength;
  }
  return errno(args, ESUCCESS);
}

// Writes how many `strings` there are and their bytes with NULs.
function writeSizes(p: Process, args: usize, strings: string[]): i32 {
  const count = arg32(args, 0);
  const size = arg32(args, 1);
  if (!inMemory(p, count, 4) || !inMemory(p, size, 4)) return errno(args, EFAULT);
  let bytes: u32 = 0;
  for (let i = 0; i < strings.length; i++) bytes += <u32>String.UTF8.byteLength(strings[i], true);
  store<u32>(memoryBase(p) + count, strings.length);
  store<u32>(memoryBase(p) + size, bytes);
  return errno(args, ESUCCESS);
}

function argsGet(state: WasiState, p: Process, args: usize): i32 {
  return writeStrings(p, args, argumentsOf(p));
}

function argsSizesGet(state: WasiState, p: Process, args: usize): i32 {
  return writeSizes(p, args, argumentsOf(p));
}

function environGet(state: WasiState, p: Process, args: usize): i32 {
  return writeStrings(p, args, []);
}

function environSizesGet(state: WasiState, p: Process, args: usize): i32 {
  return writeSizes(p, args, []);
}

// The errno for a failed send or error answer: a missing grant is ENOTCAPABLE.
function sendErrno(error: i64): i32 {
  return error == E_PERMISSION ? ENOTCAPABLE : EIO;
}

function clockResGet(state: WasiState, p: Process, args: usize): i32 {
  const out = arg32(args, 1);
  if (arg32(args, 0) > CLOCK_THREAD_CPUTIME) return errno(args, EINVAL);
  if (!inMemory(p, out, 8)) return errno(args, EFAULT);
  store<u64>(memoryBase(p) + out, 1);
  return errno(args, ESUCCESS);
}

// Realtime from system-time; the monotonic and CPU-time clocks from time's nanoseconds since boot.
function clockTimeGet(state: WasiState, p: Process, args: usize): i32 {
  const id = arg32(args, 0);
  const out = arg32(args, 2);
  if (id > CLOCK_THREAD_CPUTIME) return errno(args, EINVAL);
  if (!inMemory(p, out, 8)) return errno(args, EFAULT);
  const realtime = id == CLOCK_REALTIME;
  const answer = realtime ? askKernel(p, SYSTEM_TIME_INTERFACE, systemTimeCodec.encodeNow()) : askKernel(p, TIME_INTERFACE, timeCodec.encodeNow());
  if (answer === null) return errno(args, sendErrno(askError));
  if (isErrorAnswer(answer)) return errno(args, EIO);
  const payload = answerPayload(answer);
  let nanos: u64 = 0;
  if (realtime) {
    const now = systemTimeCodec.decodeNowAnswer(payload);
    if (now === null) return errno(args, EIO);
    nanos = <u64>now.unixNanos;
  } else {
    const now = timeCodec.decodeNowAnswer(payload);
    if (now === null) return errno(args, EIO);
    nanos = now.nanos;
  }
  store<u64>(memoryBase(p) + out, nanos);
  return errno(args, ESUCCESS);
}

function randomGet(state: WasiState, p: Process, args: usize): i32 {
  const buffer = arg32(args, 0);
  const length = arg32(args, 1);
  if (!inMemory(p, buffer, length)) return errno(args, EFAULT);
  for (let done: u32 = 0; done < length; done += RANDOM_CHUNK) {
    const answer = askKernel(p, RANDOM_INTERFACE, randomCodec.encodeFill(min(RANDOM_CHUNK, length - done)));
    if (answer === null) return errno(args, sendErrno(askError));
    if (isErrorAnswer(answer)) return errno(args, EIO);
    const fill = randomCodec.decodeFillAnswer(answerPayload(answer));
    if (fill === null) return errno(args, EIO);
    memory.copy(memoryBase(p) + buffer + done, fill.bytes.dataStart, fill.bytes.length);
  }
  return errno(args, ESUCCESS);
}

function procExit(state: WasiState, p: Process, args: usize): i32 {
  p.exitStatus = <i32>arg32(args, 0);
  p.exiting = true;
  return HOST_BLOCK;
}

// Gives up the rest of the turn: the thread stops at its next branch or call.
function schedYield(state: WasiState, p: Process, args: usize): i32 {
  p.thread.fuel = 0;
  return errno(args, ESUCCESS);
}

/** The bytes of the iovecs at `list` (`count` of them, at most MAX_IOVECS), at most `limit`; null when one lies outside memory. */
function gatherIovecs(p: Process, list: u32, count: u32, limit: u32): Uint8Array | null {
  if (!inMemory(p, list, <u64>count * 8)) return null;
  const base = memoryBase(p);
  let total: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const length = load<u32>(base + list + i * 8 + 4);
    if (!inMemory(p, load<u32>(base + list + i * 8), length)) return null;
    total += length;
  }
  const bytes = new Uint8Array(<i32>min(total, <u64>limit));
  let at: u32 = 0;
  for (let i: u32 = 0; i < count && at < <u32>bytes.length; i++) {
    const take = min(load<u32>(base + list + i * 8 + 4), <u32>bytes.length - at);
    memory.copy(bytes.dataStart + at, base + load<u32>(base + list + i * 8), take);
    at += take;
  }
  return bytes;
}

// The longest prefix of `bytes` that does not end inside a UTF-8 sequence.
function wholeCharacters(bytes: Uint8Array): Uint8Array {
  if (<u32>bytes.length < TEXT_CHUNK) return bytes;
  // Back over the continuation bytes to the last lead byte; drop its character if it is cut short.
  let lead = bytes.length;
  while (lead > 0 && (bytes[lead - 1] & 0xc0) == 0x80) lead--;
  if (lead == 0) return bytes;
  const first = bytes[lead - 1];
  const needs = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return bytes.length - (lead - 1) < needs ? bytes.subarray(0, lead - 1) : bytes;
}

/** The console's answer to a write: how much was written. */
class Written extends PendingCall {
  constructor(public out: u32, public count: u32) {
    super();
  }

  complete(p: Process, isError: bool, payload: Uint8Array): i64 {
    if (isError) return EIO;
    store<u32>(memoryBase(p) + this.out, this.count);
    return ESUCCESS;
  }
}

function failedErrno(error: i64): i64 {
  return sendErrno(error);
}

// Standard output and error: to the console when granted, else one line
// at a time to the log (without waiting), else nowhere (EBADF).
function fdWrite(state: WasiState, p: Process, args: usize): i32 {
  const fd = arg32(args, 0);
  const out = arg32(args, 3);
  if (fd == STDIN || fd > STDERR) return errno(args, EBADF);
  if (arg32(args, 2) > MAX_IOVECS) return errno(args, EINVAL);
  if (!inMemory(p, out, 4)) return errno(args, EFAULT);
  const gathered = gatherIovecs(p, arg32(args, 1), arg32(args, 2), TEXT_CHUNK);
  if (gathered === null) return errno(args, EFAULT);
  const bytes = wholeCharacters(gathered);
  const text = String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
  if (p.grants.has(CONSOLE_INTERFACE)) {
    return callInterface(p, args, CONSOLE_INTERFACE, consoleCodec.encodeWrite(text), new Written(out, bytes.length), failedErrno);
  }
  if (!p.grants.has(LOG_INTERFACE)) return errno(args, EBADF);
  const sent = sendAs(p, LOG_INTERFACE, logCodec.encodeWrite(fd == STDERR ? 3 : 1, text), 0);
  if (sent < 0) return errno(args, sendErrno(sent));
  store<u32>(memoryBase(p) + out, bytes.length);
  return errno(args, ESUCCESS);
}

// Copies what it can of `state.stdin` into the iovecs at `list`; the byte count.
function scatterStdin(p: Process, state: WasiState, list: u32, count: u32): u32 {
  const base = memoryBase(p);
  let at: u32 = 0;
  for (let i: u32 = 0; i < count && at < <u32>state.stdin.length; i++) {
    const take = min(load<u32>(base + list + i * 8 + 4), <u32>state.stdin.length - at);
    memory.copy(base + load<u32>(base + list + i * 8), state.stdin.dataStart + at, take);
    at += take;
  }
  state.stdin = state.stdin.subarray(at);
  return at;
}

/** The console's answer to readLine: the line and a newline, read into the iovecs. */
class LineRead extends PendingCall {
  constructor(public state: WasiState, public list: u32, public count: u32, public out: u32) {
    super();
  }

  complete(p: Process, isError: bool, payload: Uint8Array): i64 {
    if (isError) return EIO;
    const answer = consoleCodec.decodeReadLineAnswer(payload);
    if (answer === null) return EIO;
    this.state.stdin = Uint8Array.wrap(String.UTF8.encode(answer.line + "\n"));
    store<u32>(memoryBase(p) + this.out, scatterStdin(p, this.state, this.list, this.count));
    return ESUCCESS;
  }
}

// Standard input: a line from the console, handed out as the program reads.
function fdRead(state: WasiState, p: Process, args: usize): i32 {
  const list = arg32(args, 1);
  const count = arg32(args, 2);
  const out = arg32(args, 3);
  if (arg32(args, 0) != STDIN || !p.grants.has(CONSOLE_INTERFACE)) return errno(args, EBADF);
  if (count > MAX_IOVECS) return errno(args, EINVAL);
  if (gatherIovecs(p, list, count, 0) === null || !inMemory(p, out, 4)) return errno(args, EFAULT);
  if (state.stdin.length > 0) {
    store<u32>(memoryBase(p) + out, scatterStdin(p, state, list, count));
    return errno(args, ESUCCESS);
  }
  return callInterface(p, args, CONSOLE_INTERFACE, consoleCodec.encodeReadLine(""), new LineRead(state, list, count, out), failedErrno);
}

function fdFdstatGet(state: WasiState, p: Process, args: usize): i32 {
  const out = arg32(args, 1);
  if (arg32(args, 0) > STDERR) return errno(args, EBADF);
  if (!inMemory(p, out, 24)) return errno(args, EFAULT);
  const at = memoryBase(p) + out;
  memory.fill(at, 0, 24);
  store<u8>(at, FILETYPE_CHARACTER_DEVICE);
  store<u64>(at + 8, STREAM_RIGHTS);
  return errno(args, ESUCCESS);
}

function fdFilestatGet(state: WasiState, p: Process, args: usize): i32 {
  const out = arg32(args, 1);
  if (arg32(args, 0) > STDERR) return errno(args, EBADF);
  if (!inMemory(p, out, 64)) return errno(args, EFAULT);
  memory.fill(memoryBase(p) + out, 0, 64);
  store<u8>(memoryBase(p) + out + 16, FILETYPE_CHARACTER_DEVICE);
  return errno(args, ESUCCESS);
}

// Closing a standard stream is allowed and changes nothing; no other descriptor exists.
function fdClose(state: WasiState, p: Process, args: usize): i32 {
  return errno(args, arg32(args, 0) > STDERR ? EBADF : ESUCCESS);
}

// Streams cannot seek: ESPIPE for them, EBADF for anything else.
function notSeekable(state: WasiState, p: Process, args: usize): i32 {
  return errno(args, arg32(args, 0) > STDERR ? EBADF : ESPIPE);
}

// What needs a file or directory: no descriptor but the streams exists yet.
function noSuchDescriptor(state: WasiState, p: Process, args: usize): i32 {
  return errno(args, EBADF);
}

// No sockets yet (the network issue brings them): the streams are not
// sockets, and no other descriptor exists.
function notASocket(state: WasiState, p: Process, args: usize): i32 {
  return errno(args, arg32(args, 0) > STDERR ? EBADF : ENOTSOCK);
}

function notImplemented(state: WasiState, p: Process, args: usize): i32 {
  return errno(args, ENOSYS);
}

const SUBSCRIPTION_BYTES: u32 = 48;
const EVENT_BYTES: u32 = 32;
const EVENT_CLOCK: u8 = 0;
const EVENT_FD_READ: u8 = 1;
const SUBSCRIPTION_ABSTIME: u16 = 1;

// Writes event `index` at `out`: for subscription `sub`'s userdata, of `type`, with `error` and `nbytes`.
function writeEvent(p: Process, out: u32, index: u32, sub: usize, type: u8, error: u16, nbytes: u64): void {
  const at = memoryBase(p) + out + index * EVENT_BYTES;
  memory.fill(at, 0, EVENT_BYTES);
  store<u64>(at, load<u64>(sub));
  store<u16>(at + 8, error);
  store<u8>(at + 10, type);
  store<u64>(at + 16, nbytes);
}

/** The answer to time.sleepUntil for poll_oneoff: the clock subscriptions due by then become events. */
class ClocksDue extends PendingCall {
  constructor(public subscriptions: u32, public count: u32, public deadlines: u64[], public out: u32, public eventsOut: u32) {
    super();
  }

  complete(p: Process, isError: bool, payload: Uint8Array): i64 {
    if (isError) return EIO;
    let due = this.deadlines[0];
    for (let i = 1; i < this.deadlines.length; i++) due = min(due, this.deadlines[i]);
    let events: u32 = 0;
    for (let i: u32 = 0; i < this.count; i++) {
      const sub = memoryBase(p) + this.subscriptions + i * SUBSCRIPTION_BYTES;
      if (load<u8>(sub + 8) == EVENT_CLOCK && this.deadlines[i] <= due) writeEvent(p, this.out, events++, sub, EVENT_CLOCK, 0, 0);
    }
    store<u32>(memoryBase(p) + this.eventsOut, events);
    return ESUCCESS;
  }
}

// Nanoseconds since boot from the time interface; U64.MAX_VALUE when it cannot be asked (askError says why).
function monotonicNow(p: Process): u64 {
  const answer = askKernel(p, TIME_INTERFACE, timeCodec.encodeNow());
  if (answer === null || isErrorAnswer(answer)) return U64.MAX_VALUE;
  const now = timeCodec.decodeNowAnswer(answerPayload(answer));
  return now === null ? U64.MAX_VALUE : now.nanos;
}

// When clock subscription `sub` is due, in nanoseconds since boot. An
// absolute realtime instant is turned into one by the distance from now.
function deadlineOf(p: Process, sub: usize, now: u64): u64 {
  const timeout = load<u64>(sub + 24);
  if ((load<u16>(sub + 40) & SUBSCRIPTION_ABSTIME) == 0) return later(now, timeout);
  if (load<u32>(sub + 16) != CLOCK_REALTIME) return timeout;
  const answer = askKernel(p, SYSTEM_TIME_INTERFACE, systemTimeCodec.encodeNow());
  if (answer === null || isErrorAnswer(answer)) return now;
  const real = systemTimeCodec.decodeNowAnswer(answerPayload(answer));
  if (real === null) return now;
  return <i64>timeout > real.unixNanos ? later(now, timeout - <u64>real.unixNanos) : now;
}

// `now` plus `nanos`, never wrapping into the past: a timeout past 2^64 ns is never due.
function later(now: u64, nanos: u64): u64 {
  return nanos > U64.MAX_VALUE - now ? U64.MAX_VALUE : now + nanos;
}

// Streams are ready at once: writes always, standard input when part of a
// line is left. Reading standard input with nothing left is not supported
// yet (ENOTSUP in its event); other descriptors do not exist (EBADF).
function streamEvents(p: Process, state: WasiState, subscriptions: u32, count: u32, out: u32): u32 {
  let events: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const sub = memoryBase(p) + subscriptions + i * SUBSCRIPTION_BYTES;
    const type = load<u8>(sub + 8);
    if (type == EVENT_CLOCK) continue;
    const fd = load<u32>(sub + 16);
    const reading = type == EVENT_FD_READ;
    let error: u16 = 0;
    if (fd > STDERR || (fd == STDIN) != reading) error = <u16>EBADF;
    else if (reading && state.stdin.length == 0) error = <u16>ENOTSUP;
    writeEvent(p, out, events++, sub, type, error, reading ? <u64>state.stdin.length : 0);
  }
  return events;
}

function pollOneoff(state: WasiState, p: Process, args: usize): i32 {
  const subscriptions = arg32(args, 0);
  const out = arg32(args, 1);
  const count = arg32(args, 2);
  const eventsOut = arg32(args, 3);
  if (count == 0 || count > MAX_SUBSCRIPTIONS) return errno(args, EINVAL);
  if (!inMemory(p, subscriptions, <u64>count * SUBSCRIPTION_BYTES) || !inMemory(p, out, <u64>count * EVENT_BYTES) || !inMemory(p, eventsOut, 4)) {
    return errno(args, EFAULT);
  }
  const ready = streamEvents(p, state, subscriptions, count, out);
  if (ready > 0) {
    store<u32>(memoryBase(p) + eventsOut, ready);
    return errno(args, ESUCCESS);
  }
  const now = monotonicNow(p);
  if (now == U64.MAX_VALUE) return errno(args, sendErrno(askError));
  const deadlines = new Array<u64>();
  let earliest = U64.MAX_VALUE;
  for (let i: u32 = 0; i < count; i++) {
    const deadline = deadlineOf(p, memoryBase(p) + subscriptions + i * SUBSCRIPTION_BYTES, now);
    deadlines.push(deadline);
    earliest = min(earliest, deadline);
  }
  const due = new ClocksDue(subscriptions, count, deadlines, out, eventsOut);
  return callInterface(p, args, TIME_INTERFACE, timeCodec.encodeSleepUntil(earliest), due, failedErrno);
}

class Row {
  constructor(public name: string, public params: string, public handler: Handler) {}
}

/** Every function of wasi_snapshot_preview1; params: i for i32, I for i64; each returns an errno (i32) but proc_exit. */
const FUNCTIONS: Row[] = [
  new Row("args_get", "ii", argsGet),
  new Row("args_sizes_get", "ii", argsSizesGet),
  new Row("environ_get", "ii", environGet),
  new Row("environ_sizes_get", "ii", environSizesGet),
  new Row("clock_res_get", "ii", clockResGet),
  new Row("clock_time_get", "iIi", clockTimeGet),
  new Row("fd_advise", "iIIi", notSeekable),
  new Row("fd_allocate", "iII", notSeekable),
  new Row("fd_close", "i", fdClose),
  new Row("fd_datasync", "i", notSeekable),
  new Row("fd_fdstat_get", "ii", fdFdstatGet),
  new Row("fd_fdstat_set_flags", "ii", notImplemented),
  new Row("fd_fdstat_set_rights", "iII", notImplemented),
  new Row("fd_filestat_get", "ii", fdFilestatGet),
  new Row("fd_filestat_set_size", "iI", notSeekable),
  new Row("fd_filestat_set_times", "iIIi", notImplemented),
  new Row("fd_pread", "iiiIi", notSeekable),
  new Row("fd_prestat_get", "ii", noSuchDescriptor),
  new Row("fd_prestat_dir_name", "iii", noSuchDescriptor),
  new Row("fd_pwrite", "iiiIi", notSeekable),
  new Row("fd_read", "iiii", fdRead),
  new Row("fd_readdir", "iiiIi", noSuchDescriptor),
  new Row("fd_renumber", "ii", notImplemented),
  new Row("fd_seek", "iIii", notSeekable),
  new Row("fd_sync", "i", notSeekable),
  new Row("fd_tell", "ii", notSeekable),
  new Row("fd_write", "iiii", fdWrite),
  new Row("path_create_directory", "iii", noSuchDescriptor),
  new Row("path_filestat_get", "iiiii", noSuchDescriptor),
  new Row("path_filestat_set_times", "iiiiIIi", noSuchDescriptor),
  new Row("path_link", "iiiiiii", noSuchDescriptor),
  new Row("path_open", "iiiiiIIii", noSuchDescriptor),
  new Row("path_readlink", "iiiiii", noSuchDescriptor),
  new Row("path_remove_directory", "iii", noSuchDescriptor),
  new Row("path_rename", "iiiiii", noSuchDescriptor),
  new Row("path_symlink", "iiiii", noSuchDescriptor),
  new Row("path_unlink_file", "iii", noSuchDescriptor),
  new Row("poll_oneoff", "iiii", pollOneoff),
  new Row("proc_exit", "i", procExit),
  new Row("proc_raise", "i", notImplemented),
  new Row("sched_yield", "", schedYield),
  new Row("random_get", "ii", randomGet),
  new Row("sock_accept", "iii", notASocket),
  new Row("sock_recv", "iiiiii", notASocket),
  new Row("sock_send", "iiiii", notASocket),
  new Row("sock_shutdown", "ii", notASocket),
];

function types(params: string): u8[] {
  const result = new Array<u8>(params.length);
  for (let i = 0; i < params.length; i++) result[i] = params.charCodeAt(i) == 0x49 ? I64 : I32;
  return result;
}

/** Whether `module` imports anything from wasi_snapshot_preview1. */
export function importsWasi(module: Module): bool {
  for (let i = 0; i < module.imports.length; i++) if (module.imports[i].module == WASI) return true;
  return false;
}

/** Defines every WASI function for one process-to-be. */
export function defineWasi(calls: SystemCalls): void {
  const state = new WasiState();
  for (let i = 0; i < FUNCTIONS.length; i++) {
    const row = FUNCTIONS[i];
    const results: u8[] = row.name == "proc_exit" ? [] : [I32];
    calls.define(WASI, row.name, types(row.params), results, new WasiCall(state, row.handler));
  }
}
