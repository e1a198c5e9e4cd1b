# The hosted kernel: the very wasm2c output of the bare-metal build
# (out/kernel.c), compiled as a Linux program with wabt's stock runtime and
# tools/hosted/host.c in place of boot/.
WASM2C_RUNTIME_DIR := /usr/share/wabt/wasm2c

$(OUT)/hosted/atoll-hosted: tools/hosted/host.c $(OUT)/kernel.c $(OUT)/kernel.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -frounding-math -fno-optimize-sibling-calls -I$(OUT) -I$(WASM2C_RUNTIME_DIR) -o $@ \
		tools/hosted/host.c $(OUT)/kernel.c $(WASM2C_RUNTIME_DIR)/wasm-rt-impl.c -lm

.PHONY: hosted
hosted: $(OUT)/hosted/atoll-hosted
