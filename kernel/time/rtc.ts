// The wall clock: the CMOS real-time clock read once at boot (it counts
// whole seconds, in BCD or binary, 12- or 24-hour, as its status register
// says), then carried forward by the TSC. The RTC is assumed to hold UTC.
import { inb, outb, rdtsc } from "../arch/hw";
import * as log from "../console/log";
import { nanosSinceEntry, ticksToNanos } from "./tsc";

const INDEX_PORT: u32 = 0x70;
const DATA_PORT: u32 = 0x71;
const SECONDS: u32 = 0x00;
const MINUTES: u32 = 0x02;
const HOURS: u32 = 0x04;
const DAY: u32 = 0x07;
const MONTH: u32 = 0x08;
const YEAR: u32 = 0x09;
const STATUS_A: u32 = 0x0a;
const STATUS_B: u32 = 0x0b;
const UPDATE_IN_PROGRESS: u32 = 0x80;
const BINARY: u32 = 0x04;
const HOURS_24: u32 = 0x02;
const PM: u32 = 0x80;
// An update holds the registers for under 2 ms; a status that never clears is a missing RTC.
const MAX_POLLS = 1_000_000;
const UPDATE_WAIT_NANOS: u64 = 20_000_000;
const MAX_READS = 10;
const NANOS_PER_SECOND: u64 = 1_000_000_000;

export class DateTime {
  constructor(public year: u32, public month: u32, public day: u32, public hour: u32, public minute: u32, public second: u32) {}

  valid(): bool {
    return this.month >= 1 && this.month <= 12 && this.day >= 1 && this.day <= 31 && this.hour < 24 && this.minute < 60 && this.second < 60;
  }

  equals(other: DateTime): bool {
    return this.year == other.year && this.month == other.month && this.day == other.day && this.hour == other.hour && this.minute == other.minute && this.second == other.second;
  }

  /** Seconds since 1970-01-01 UTC (days from the civil date, as in Howard Hinnant's algorithm). */
  unixSeconds(): i64 {
    const y = <i64>this.year - (this.month <= 2 ? 1 : 0);
    const era = y / 400;
    const yearOfEra = y - era * 400;
    const m = <i64>this.month;
    const dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + <i64>this.day - 1;
    const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    const days = era * 146097 + dayOfEra - 719468;
    return days * 86400 + <i64>this.hour * 3600 + <i64>this.minute * 60 + <i64>this.second;
  }

  toString(): string {
    return this.year.toString() + "-" + two(this.month) + "-" + two(this.day) + " " + two(this.hour) + ":" + two(this.minute) + ":" + two(this.second);
  }
}

function two(value: u32): string {
  return value.toString().padStart(2, "0");
}

function cmos(register: u32): u32 {
  outb(INDEX_PORT, register);
  return inb(DATA_PORT);
}

function fromBcd(value: u32): u32 {
  return (value >> 4) * 10 + (value & 15);
}

/** Register `register`, decoded from BCD unless status B says binary. */
function field(register: u32, format: u32): u32 {
  const value = cmos(register);
  return format & BINARY ? value : fromBcd(value);
}

function readOnce(centuryRegister: u32): DateTime {
  const format = cmos(STATUS_B);
  const rawHours = cmos(HOURS);
  let hour = format & BINARY ? rawHours & ~PM : fromBcd(rawHours & ~PM);
  // 12-hour mode: 12 AM is midnight, and PM adds 12 (12 PM is noon).
  if (!(format & HOURS_24)) hour = (hour % 12) + (rawHours & PM ? 12 : 0);
  const century = centuryRegister != 0 ? field(centuryRegister, format) : 20;
  const year = century * 100 + field(YEAR, format);
  return new DateTime(year, field(MONTH, format), field(DAY, format), hour, field(MINUTES, format), field(SECONDS, format));
}

// An update keeps UIP set for under 2 ms. The wait is bounded by the TSC,
// not by a count of reads, which a fast machine makes within those 2 ms;
// MAX_POLLS bounds it when the TSC is not calibrated.
function waitForUpdateEnd(): bool {
  const start = nanosSinceEntry();
  for (let i = 0; i < MAX_POLLS; i++) {
    if (!(cmos(STATUS_A) & UPDATE_IN_PROGRESS)) return true;
    if (nanosSinceEntry() - start > UPDATE_WAIT_NANOS) return false;
  }
  return false;
}

/** The RTC's date, read until two reads agree (an update may land between reads); null if it never settles. */
function readRtc(centuryRegister: u32): DateTime | null {
  let previous: DateTime | null = null;
  for (let i = 0; i < MAX_READS; i++) {
    if (!waitForUpdateEnd()) return null;
    const now = readOnce(centuryRegister);
    if (previous != null && now.equals(previous)) return now;
    previous = now;
  }
  return null;
}

let bootSeconds: i64 = 0;
let bootTsc: u64 = 0;

/** Reads the RTC at boot; `centuryRegister` comes from the FADT (0 when it names none). */
export function initWallClock(centuryRegister: u32): void {
  const date = readRtc(centuryRegister);
  if (date == null || !date.valid()) {
    log.warn("wall clock: the CMOS RTC " + (date == null ? "never settles" : "reads an invalid date " + date.toString()) + "; the wall clock starts at 1970");
    return;
  }
  bootSeconds = date.unixSeconds();
  bootTsc = rdtsc();
  log.info("wall clock: " + date.toString() + " UTC (CMOS RTC)");
}

/** Nanoseconds since 1970-01-01 UTC. */
export function wallClockNanos(): i64 {
  return bootSeconds * <i64>NANOS_PER_SECOND + <i64>ticksToNanos(rdtsc() - bootTsc);
}
