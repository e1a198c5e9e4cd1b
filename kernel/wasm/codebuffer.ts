// A growable buffer of 32-bit words holding compiled code. It lives in
// unmanaged memory because the executor reads it by raw pointer.

export class CodeBuffer {
  data: usize;
  capacity: u32;
  length: u32 = 0;

  constructor() {
    this.capacity = 256;
    this.data = heap.alloc(<usize>this.capacity << 2);
  }

  /** Byte offset of the next word. */
  get offset(): i32 {
    return <i32>(this.length << 2);
  }

  emit(word: i32): void {
    if (this.length == this.capacity) {
      this.capacity <<= 1;
      this.data = heap.realloc(this.data, <usize>this.capacity << 2);
    }
    store<i32>(this.data + (<usize>this.length << 2), word);
    this.length++;
  }

  emit2(a: i32, b: i32): void {
    this.emit(a);
    this.emit(b);
  }

  /** Drops the words from `length` on. */
  truncate(length: u32): void {
    this.length = length;
  }

  get(index: i32): i32 {
    return load<i32>(this.data + (<usize>index << 2));
  }

  set(index: i32, word: i32): void {
    store<i32>(this.data + (<usize>index << 2), word);
  }
}
