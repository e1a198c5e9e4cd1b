// Dispatch: a small bytecode interpreter (a switch in a loop) running a
// countdown program with arithmetic, the shape of most interpreters.
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DROP, HALT };

static const int program[] = {
  PUSH, 0,               // acc
  PUSH, 0,               // counter, replaced by n
  SWAP, PUSH, 7, ADD, SWAP, // acc += 7
  DUP, PUSH, 3, MUL, DROP,  // busy work
  PUSH, 1, SUB,          // counter -= 1
  DUP, JNZ, 4,
  DROP, HALT,
};

int run(int n) {
  int stack[64];
  int sp = 0, pc = 0;
  int code[sizeof program / sizeof program[0]];
  for (unsigned i = 0; i < sizeof program / sizeof program[0]; i++) code[i] = program[i];
  code[3] = n;
  for (;;) {
    switch (code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case JNZ: { int target = code[pc++]; if (stack[--sp]) pc = target; break; }
      case DROP: sp--; break;
      case HALT: return stack[sp - 1];
    }
  }
}
