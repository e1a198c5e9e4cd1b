// `npm run qemu -- [options] [kernel command line...]`: boots the ISO in a
// QEMU window when a display is available, else on this terminal (serial).
import { spawn } from "node:child_process";
import { DEFAULT_MACHINE, MachineOptions, qemuArgs, requireQemu, STATUS_PANIC, STATUS_TEST_FAILED, STATUS_TEST_PASSED } from "../qemu/launch.ts";

const USAGE = `usage: npm run qemu -- [options] [kernel command line words...]
  --headless        no window: the console is this terminal (Ctrl-A X quits)
  --uefi            boot with OVMF (UEFI) instead of SeaBIOS
  --kvm             use KVM (not available on every machine)
  --memory SIZE     guest RAM, e.g. 512M or 2G (default ${DEFAULT_MACHINE.memory})
  --smp N           number of CPUs (default 1)
  --machine TYPE    QEMU machine type: pc or q35 (default pc)
  --help            this text
kernel command line: log=debug|info|warn|error, test, fault=page|trap|abort|stack,
  start=<module>,..., acpidump, poweroff, reboot[=acpi|8042|triple]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function value(argv: string[], i: number, flag: string): string {
  if (i + 1 >= argv.length) fail(`${flag} needs a value`);
  return argv[i + 1];
}

export function parseOptions(argv: string[]): MachineOptions & { headless: boolean } {
  const opts = { ...DEFAULT_MACHINE, cmdline: [] as string[], extra: [] as string[], headless: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (a === "--headless") opts.headless = true;
    else if (a === "--uefi") opts.uefi = true;
    else if (a === "--kvm") opts.kvm = true;
    else if (a === "--memory") {
      opts.memory = value(argv, i++, a);
      if (!/^[1-9][0-9]*[MG]$/.test(opts.memory)) fail(`--memory wants a size like 512M or 2G, not '${opts.memory}'`);
    } else if (a === "--smp") {
      const n = Number(value(argv, i++, a));
      if (!Number.isInteger(n) || n < 1 || n > 255) fail(`--smp wants a CPU count from 1 to 255`);
      opts.smp = n;
    } else if (a === "--machine") {
      opts.machine = value(argv, i++, a);
      if (!["pc", "q35"].includes(opts.machine)) fail(`--machine wants pc or q35, not '${opts.machine}'`);
    } else if (a.startsWith("-")) fail(`unknown option: ${a}`);
    else opts.cmdline.push(a);
  }
  return opts;
}

const opts = parseOptions(process.argv.slice(2));
try {
  requireQemu();
  const windowed = !opts.headless && Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const args = windowed ? qemuArgs(opts, "gtk", "stdio") : qemuArgs(opts, "none", "mon:stdio");
  if (!windowed && !opts.headless) console.error("(no display found: the console is on this terminal; Ctrl-A X quits)");
  const child = spawn("qemu-system-x86_64", args, { stdio: "inherit" });
  child.on("close", (status) => {
    if (status === STATUS_TEST_PASSED) process.exit(0);
    if (status === STATUS_TEST_FAILED) console.error("kernel self-tests failed");
    if (status === STATUS_PANIC) console.error("kernel panic");
    process.exit(status === 0 ? 0 : 1);
  });
} catch (e) {
  console.error(`qemu: ${(e as Error).message}`);
  process.exit(1);
}
