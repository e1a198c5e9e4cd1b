// A fixed buffer in linear memory through which the hosted harness passes
// inputs to, and reads results from, the random exports it tests.
const scratch = memory.data(256, 16);

export function randomScratch(): usize {
  return scratch;
}
