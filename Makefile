# Atoll's one build graph: AssemblyScript -> Wasm -> wasm2c -> C -> ELF -> ISO.
# `npm run build` (or plain `make`) builds only what changed.

OUT := out
ASC := node_modules/.bin/asc
TSX := node_modules/.bin/tsx
CC := gcc
# Debian's wabt 1.0.32, by path: npm's wabt package puts a newer wasm2c with
# different naming first on PATH inside npm scripts.
WASM2C := /usr/bin/wasm2c
FONT := /usr/share/consolefonts/Lat15-Terminus16.psf.gz

KERNEL_SOURCES := $(shell find kernel -name '*.ts' ! -name '*.generated.ts')
FONT_DATA := kernel/console/font-data.generated.ts
INTERFACE_CONSTANTS := kernel/ipc/interfaces.generated.ts
INTERFACE_DEFINITIONS := $(wildcard interfaces/*.interface)
AS_GENERATED_STAMP := interfaces/as/generated/.stamp
BOOT_ASM := boot/multiboot2.S boot/interrupts.S
BOOT_C := boot/runtime.c boot/primitives.c
BOOT_HEADERS := $(wildcard boot/include/*.h) boot/glue.h

# Freestanding x86_64: no libc, no red zone (interrupts share the stack), no
# SSE beyond SSE2, frame pointers kept for the panic backtrace. wabt asks for
# -frounding-math and -fno-optimize-sibling-calls to keep Wasm semantics;
# -falign-loops=64 keeps the engine's dispatch loop head in one cache line
# (kernel/wasm/engine.mk says why).
KERNEL_CFLAGS := -O2 -std=gnu11 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iboot/include -I$(OUT)/include -I$(OUT) -Iboot \
	-fno-pic -fno-pie -fno-stack-protector -mno-red-zone -mcmodel=small -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -frounding-math -fno-math-errno -fno-optimize-sibling-calls \
	-fno-tree-loop-distribute-patterns -fno-inline-functions-called-once \
	-falign-loops=64 -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0
# Warnings for our C only; the wasm2c output is generated.
BOOT_CFLAGS := $(KERNEL_CFLAGS) -Wall -Wextra -Werror
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,boot/linker.ld -Wl,-z,max-page-size=4096 -Wl,--build-id=none

# A missing tool stops the build with the Debian package that provides it.
need = @command -v $(1) >/dev/null 2>&1 || { echo "error: '$(1)' not found; install the Debian package $(2) (or run scripts/install-deps.sh)" >&2; exit 1; }

.PHONY: all kernel iso clean
all: iso hosted engine engine-native
kernel: $(OUT)/atoll.elf
iso: $(OUT)/atoll.iso

$(FONT_DATA): tools/build/gen-font.ts
	$(TSX) tools/build/gen-font.ts $(FONT) $@

$(INTERFACE_CONSTANTS): $(INTERFACE_DEFINITIONS) $(wildcard tools/interfaces/*.ts)
	$(TSX) tools/interfaces/generate-kernel.ts $@

# The kernel decodes and encodes messages with the modules' generated codecs;
# a new import cycle between kernel folders stops the build first.
$(OUT)/kernel.wasm: $(KERNEL_SOURCES) $(FONT_DATA) $(INTERFACE_CONSTANTS) $(AS_GENERATED_STAMP) interfaces/as/codec.ts asconfig.json package.json tools/build/check-cycles.ts
	@mkdir -p $(OUT)
	$(TSX) tools/build/check-cycles.ts
	$(ASC) kernel/main.ts --config asconfig.json --target kernel

$(OUT)/kernel.c $(OUT)/kernel.h &: $(OUT)/kernel.wasm
	$(call need,$(WASM2C),wabt)
	$(WASM2C) $< -n kernel -o $(OUT)/kernel.c

$(OUT)/include/wasm-rt.h: /usr/include/wasm-rt.h
	@mkdir -p $(dir $@)
	cp $< $@

$(OUT)/boot/%.o: boot/%.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

$(OUT)/boot/%.o: boot/%.c $(OUT)/kernel.h $(OUT)/include/wasm-rt.h $(BOOT_HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(BOOT_CFLAGS) -c -o $@ $<

$(OUT)/kernel.o: $(OUT)/kernel.c $(OUT)/kernel.h $(OUT)/include/wasm-rt.h $(BOOT_HEADERS) Makefile
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

BOOT_OBJECTS := $(patsubst boot/%.S,$(OUT)/boot/%.o,$(BOOT_ASM)) $(patsubst boot/%.c,$(OUT)/boot/%.o,$(BOOT_C))

$(OUT)/atoll.elf: $(BOOT_OBJECTS) $(OUT)/kernel.o boot/linker.ld
	$(CC) $(KERNEL_LDFLAGS) -o $@ $(BOOT_OBJECTS) $(OUT)/kernel.o $(shell $(CC) -print-libgcc-file-name)
	$(call need,grub-file,grub-common)
	@grub-file --is-x86-multiboot2 $@ || { echo "error: $@ is not a multiboot2 kernel" >&2; exit 1; }

$(OUT)/atoll.sym: $(OUT)/atoll.elf tools/build/mksyms.ts
	$(TSX) tools/build/mksyms.ts $< $@

# Modules: modules/<name>/main.ts -> out/modules/<name>.wasm, with the
# module library in interfaces/as (its per-interface part generated), and
# modules/<name>/main.c the same way with interfaces/c.
MODULE_NAMES := $(notdir $(patsubst %/,%,$(dir $(wildcard modules/*/main.ts modules/*/main.c))))
MODULES := $(patsubst %,$(OUT)/modules/%.wasm,$(MODULE_NAMES))
AS_LIBRARY := $(wildcard interfaces/as/*.ts)

$(AS_GENERATED_STAMP): $(INTERFACE_DEFINITIONS) $(wildcard tools/interfaces/*.ts)
	$(TSX) tools/interfaces/generate-as.ts interfaces/as/generated
	@touch $@

# A module's other files are prerequisites too (second expansion names its folder).
.SECONDEXPANSION:
$(OUT)/modules/%.wasm: modules/%/main.ts $$(wildcard modules/$$*/*.ts) $(AS_LIBRARY) $(AS_GENERATED_STAMP)
	@mkdir -p $(dir $@)
	$(ASC) $< -o $@ --use abort=interfaces/as/atoll/abort --runtime incremental -O3

# C modules: clang for wasm32 and lld's wasm-ld, no C library (see
# interfaces/c/atoll.h); -mbulk-memory turns memcpy into a Wasm instruction.
CLANG := clang
C_LIBRARY := $(wildcard interfaces/c/*.h interfaces/c/*.c)
C_GENERATED_STAMP := interfaces/c/generated/.stamp
C_MODULE_FLAGS := --target=wasm32 -ffreestanding -nostdlib -O2 -mbulk-memory -Wall -Wextra -Werror \
	-Iinterfaces/c -Wl,--no-entry -Wl,--export=_start

$(C_GENERATED_STAMP): $(INTERFACE_DEFINITIONS) $(wildcard tools/interfaces/*.ts)
	$(TSX) tools/interfaces/generate-c.ts interfaces/c/generated
	@touch $@

$(OUT)/modules/%.wasm: modules/%/main.c $(C_LIBRARY) $(C_GENERATED_STAMP)
	$(call need,$(CLANG),clang)
	$(call need,wasm-ld,lld)
	@mkdir -p $(dir $@)
	$(CLANG) $(C_MODULE_FLAGS) -o $@ $(wildcard $(dir $<)*.c) interfaces/c/atoll.c

$(OUT)/atoll.conf: modules/boot.conf $(MODULES) tools/build/mkconfig.ts $(INTERFACE_DEFINITIONS)
	$(TSX) tools/build/mkconfig.ts modules/boot.conf $(OUT)/modules $@

# lspci's names table comes from Debian's pciutils at build time.
PCI_NAMES := modules/lspci/pci-names.generated.ts
$(PCI_NAMES): tools/build/gen-pci-names.ts
	$(TSX) tools/build/gen-pci-names.ts /usr/share/misc/pci.ids $@
$(OUT)/modules/lspci.wasm: $(PCI_NAMES)
# The console draws with the kernel's font and pixel code.
$(OUT)/modules/console.wasm: $(FONT_DATA) kernel/console/font.ts kernel/console/colour.ts kernel/console/pixel-format.ts

.PHONY: modules
modules: $(MODULES)

$(OUT)/atoll.iso: $(OUT)/atoll.elf $(OUT)/atoll.sym $(OUT)/atoll.conf $(MODULES) boot/grub.cfg tools/build/mkiso.ts
	$(call need,grub-mkrescue,grub-common)
	$(call need,xorriso,xorriso)
	$(call need,mformat,mtools)
	$(TSX) tools/build/mkiso.ts $(OUT)/atoll.elf $(OUT)/atoll.sym $@

clean:
	rm -rf $(OUT) $(FONT_DATA) $(INTERFACE_CONSTANTS) $(ENGINE_INSTRUCTIONS) interfaces/as/generated interfaces/c/generated $(PCI_NAMES) tools/hosted/hw-imports.generated.ts

-include kernel/wasm/engine.mk
# The kernel compiles the engine's generated sources too.
$(OUT)/kernel.wasm: $(ENGINE_INSTRUCTIONS)
include tools/hosted/hosted.mk
