# The hosted kernel: the very wasm2c output of the bare-metal build
# (out/kernel.c), compiled as a Linux program with wabt's stock runtime and
# tools/hosted/host.c in place of boot/.
WASM2C_RUNTIME_DIR := /usr/share/wabt/wasm2c

# The primitives' TypeScript type (machine.ts implements it) and the native
# probe's table, both from kernel/arch/hw.ts.
HW_IMPORTS := tools/hosted/hw-imports.generated.ts
HW_PROBE := $(OUT)/hosted/hw-probe.generated.h
$(HW_IMPORTS) $(HW_PROBE) &: kernel/arch/hw.ts tools/build/gen-hw.ts
	@mkdir -p $(OUT)/hosted
	$(TSX) tools/build/gen-hw.ts kernel/arch/hw.ts $(HW_IMPORTS) $(HW_PROBE)

$(OUT)/hosted/atoll-hosted: tools/hosted/host.c $(OUT)/kernel.c $(OUT)/kernel.h $(HW_PROBE)
	@mkdir -p $(dir $@)
	$(CC) -O2 -frounding-math -fno-optimize-sibling-calls -falign-loops=64 -I$(OUT) -I$(OUT)/hosted -I$(WASM2C_RUNTIME_DIR) -o $@ \
		tools/hosted/host.c $(OUT)/kernel.c $(WASM2C_RUNTIME_DIR)/wasm-rt-impl.c -lm

.PHONY: hosted
hosted: $(OUT)/hosted/atoll-hosted $(HW_IMPORTS)
