// Simulated physical memory: sparse 4 KiB pages, so a test machine can have
// gigabytes of address space while only the touched pages cost anything.

const PAGE = 4096;

export class PhysicalMemory {
  private pages = new Map<number, Uint8Array>();

  private page(address: number, create: boolean): Uint8Array | undefined {
    const index = Math.floor(address / PAGE);
    let page = this.pages.get(index);
    if (!page && create) {
      page = new Uint8Array(PAGE);
      this.pages.set(index, page);
    }
    return page;
  }

  readByte(address: number): number {
    return this.page(address, false)?.[address % PAGE] ?? 0;
  }

  writeByte(address: number, value: number): void {
    this.page(address, true)![address % PAGE] = value & 0xff;
  }

  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.readByte(address + i);
    return out;
  }

  write(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.writeByte(address + i, bytes[i]);
  }

  /** Little-endian unsigned read of 1, 2, 4 or 8 bytes. */
  readUint(address: number, size: number): bigint {
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.readByte(address + i));
    return value;
  }

  writeUint(address: number, size: number, value: bigint): void {
    for (let i = 0; i < size; i++) this.writeByte(address + i, Number((value >> BigInt(8 * i)) & 0xffn));
  }

  fill(address: number, value: number, length: number): void {
    for (let i = 0; i < length; i++) this.writeByte(address + i, value);
  }
}
