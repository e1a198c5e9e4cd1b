# The Wasm engine's hosted build: kernel/wasm compiled alone, for the Node
# tests and tools (the kernel build compiles the same sources into itself).
ENGINE_SOURCES := $(wildcard kernel/wasm/*.ts)

.PHONY: engine engine-spec
engine: out/engine/engine.wasm

out/engine/engine.wasm: $(ENGINE_SOURCES) asconfig.json
	@mkdir -p out/engine
	node_modules/.bin/asc kernel/wasm/hosted.ts --config asconfig.json --target engine

# Runs the WebAssembly spec suite against the hosted engine and prints the table.
engine-spec: engine
	node_modules/.bin/tsx tools/spec/main.ts
