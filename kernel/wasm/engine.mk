# The Wasm engine's hosted build: kernel/wasm compiled alone, for the Node
# tests and tools (the kernel build compiles the same sources into itself).
ENGINE_SOURCES := $(wildcard kernel/wasm/*.ts)
ENGINE_INSTRUCTIONS := kernel/wasm/instructions.generated.ts kernel/wasm/dispatch.generated.ts

# The simple instructions' code, from the engine's one table of them.
$(ENGINE_INSTRUCTIONS) &: kernel/wasm/instructions.table kernel/wasm/dispatch.template.ts tools/build/gen-instructions.ts
	node_modules/.bin/tsx tools/build/gen-instructions.ts kernel/wasm

.PHONY: engine engine-spec engine-spec-native
engine: out/engine/engine.wasm

out/engine/engine.wasm: $(ENGINE_SOURCES) $(ENGINE_INSTRUCTIONS) asconfig.json
	@mkdir -p out/engine
	node_modules/.bin/asc kernel/wasm/hosted.ts --config asconfig.json --target engine

# Runs the WebAssembly spec suite against the hosted engine and prints the table.
engine-spec: engine
	node_modules/.bin/tsx tools/spec/main.ts

# atoll-run: the same engine lowered by wasm2c and compiled natively with
# wabt's stock runtime (guard pages catch the engine's own memory accesses).
WASM2C_RUNTIME := /usr/share/wabt/wasm2c
# -falign-loops=64: the dispatch loop's head (run for every instruction) in one
# cache line; gcc's 16-byte default left its place to chance (performance.md).
ENGINE_NATIVE_CFLAGS := -O2 -frounding-math -fno-optimize-sibling-calls -falign-loops=64 -I out/engine -I $(WASM2C_RUNTIME)

.PHONY: engine-native
engine-native: out/engine/atoll-run

out/engine/engine.c out/engine/engine.h &: out/engine/engine.wasm
	/usr/bin/wasm2c $< -n engine -o out/engine/engine.c

out/engine/atoll-run: out/engine/engine.c out/engine/engine.h tools/spec/native/atoll-run.c
	gcc $(ENGINE_NATIVE_CFLAGS) -o $@ tools/spec/native/atoll-run.c out/engine/engine.c $(WASM2C_RUNTIME)/wasm-rt-impl.c -lm

# The same suite on atoll-run.
engine-spec-native: engine-native
	node_modules/.bin/tsx tools/spec/main.ts --native

# Benchmarks (test/bench/*.c): each built for wasm32 by clang and
# natively by gcc -O2, then timed on atoll-run, V8 and natively; *.ts are
# AssemblyScript ports of some of them.
BENCH_PROGRAMS := $(basename $(notdir $(filter-out test/bench/main.c,$(wildcard test/bench/*.c))))
BENCH_AS_PROGRAMS := $(basename $(notdir $(wildcard test/bench/*.ts)))

out/engine/bench/%.wasm: test/bench/%.c
	@mkdir -p out/engine/bench
	clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export=run -o $@ $<

# AssemblyScript versions of C programs: NAME.ts becomes NAME-as.wasm, timed against NAME.native.
out/engine/bench/%-as.wasm: test/bench/%.ts
	@mkdir -p out/engine/bench
	node_modules/.bin/asc $< -O3 --runtime stub --noAssert -o $@

out/engine/bench/%.native: test/bench/%.c test/bench/main.c
	@mkdir -p out/engine/bench
	gcc -O2 -o $@ test/bench/main.c $<

.PHONY: engine-bench engine-bench-programs
engine-bench-programs: engine-native $(BENCH_PROGRAMS:%=out/engine/bench/%.wasm) $(BENCH_PROGRAMS:%=out/engine/bench/%.native) \
	$(BENCH_AS_PROGRAMS:%=out/engine/bench/%-as.wasm)

engine-bench: engine-bench-programs
	node_modules/.bin/tsx tools/spec/bench.ts
