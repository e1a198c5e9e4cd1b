// WASI preview 1's error numbers (the `errno` enum of
// wasi_snapshot_preview1), those the kernel's translation gives.
export const ESUCCESS: i32 = 0;
export const EBADF: i32 = 8;
export const EFAULT: i32 = 21;
export const EINVAL: i32 = 28;
export const EIO: i32 = 29;
export const ENOSYS: i32 = 52;
export const ENOTSOCK: i32 = 57;
export const ENOTSUP: i32 = 58;
export const ESPIPE: i32 = 70;
/** The program lacks the grant the call needs. */
export const ENOTCAPABLE: i32 = 76;
