// The hardware primitives the kernel imports (module "hw"). On the machine
// they are single instructions in boot/primitives.c; in the hosted harness
// they are simulated by test/harness/machine.ts. Physical addresses below
// 4 GiB are identity-mapped, so "phys" means both physical and virtual.

@external("hw", "outb") export declare function outb(port: u32, value: u32): void;
@external("hw", "outw") export declare function outw(port: u32, value: u32): void;
@external("hw", "outl") export declare function outl(port: u32, value: u32): void;
@external("hw", "inb") export declare function inb(port: u32): u32;
@external("hw", "inw") export declare function inw(port: u32): u32;
@external("hw", "inl") export declare function inl(port: u32): u32;

@external("hw", "peek8") export declare function peek8(address: u64): u32;
@external("hw", "peek16") export declare function peek16(address: u64): u32;
@external("hw", "peek32") export declare function peek32(address: u64): u32;
@external("hw", "peek64") export declare function peek64(address: u64): u64;
@external("hw", "poke8") export declare function poke8(address: u64, value: u32): void;
@external("hw", "poke16") export declare function poke16(address: u64, value: u32): void;
@external("hw", "poke32") export declare function poke32(address: u64, value: u32): void;
@external("hw", "poke64") export declare function poke64(address: u64, value: u64): void;

/** Sets `length` bytes of physical memory to `value`. */
@external("hw", "physFill") export declare function physFill(address: u64, value: u32, length: u64): void;
/** Copies between two physical ranges, which may overlap. */
@external("hw", "physMove") export declare function physMove(dst: u64, src: u64, length: u64): void;
/** Copies `length` bytes from the kernel's linear memory to physical memory. */
@external("hw", "physWrite") export declare function physWrite(address: u64, src: usize, length: u32): void;
/** Copies `length` bytes from physical memory into the kernel's linear memory. */
@external("hw", "physRead") export declare function physRead(dst: usize, address: u64, length: u32): void;

@external("hw", "rdtsc") export declare function rdtsc(): u64;
/** RDSEED (`seed`) or RDRAND: stores 8 random bytes at `out`; false when the CPU had none ready. */
@external("hw", "rdrand") export declare function rdrand(seed: bool, out: usize): bool;
/** Runs CPUID and stores eax, ebx, ecx, edx at `out` (16 bytes). */
@external("hw", "cpuid") export declare function cpuid(leaf: u32, subleaf: u32, out: usize): void;
/** Reads control register 0, 2, 3 or 4. */
@external("hw", "readCr") export declare function readCr(which: u32): u64;
@external("hw", "invalidatePage") export declare function invalidatePage(address: u64): void;
/** Loads the IDT register with a table that lives in linear memory. */
@external("hw", "loadIdt") export declare function loadIdt(table: usize, limit: u32): void;
/** Address of the entry stub for `vector`: CPU exceptions 0-31, interrupts 32-255. */
@external("hw", "isrStub") export declare function isrStub(vector: u32): u64;
/** Moves the bitmap of interrupt vectors seen since the last call (32 bytes) to `out`, clearing it. */
@external("hw", "takeInterrupts") export declare function takeInterrupts(out: usize): void;
/** How the stubs acknowledge: the local APIC's EOI register, or 0 for the 8259 PICs at vector `picBase`. */
@external("hw", "setInterruptAck") export declare function setInterruptAck(eoiRegister: u64, picBase: u32): void;
/** Enables interrupts, halts until one arrives, disables them again. */
@external("hw", "waitForInterrupt") export declare function waitForInterrupt(): void;
// Enables interrupts for one instruction, so those pending while processes
// keep the CPU busy reach the stubs.
@external("hw", "acceptInterrupts") export declare function acceptInterrupts(): void;

/** Physical range of the loaded kernel image (code, data, bss, boot stacks). */
@external("hw", "imageStart") export declare function imageStart(): u64;
@external("hw", "imageEnd") export declare function imageEnd(): u64;
/** The page below the kernel's C stack, which the kernel leaves unmapped so an overflow faults there. */
@external("hw", "stackGuard") export declare function stackGuard(): u64;
/** Recurses in C until the stack runs into its guard page (for "fault=stack"); never returns. */
@external("hw", "overflowStack") export declare function overflowStack(): void;
/** Virtual address where the kernel's linear memory begins. */
@external("hw", "linearBase") export declare function linearBase(): u64;

/** Stops the CPU for good (interrupts off, hlt). */
@external("hw", "halt") export declare function halt(): void;
