/*
 * Multiboot2 header and the 32-bit entry GRUB jumps to.
 * The entry checks the multiboot2 magic, identity-maps the first 4 GiB with
 * 2 MiB pages, switches to long mode, enables SSE and calls boot_main(magic,
 * info, entry_tsc). Everything after that is C glue and then AssemblyScript.
 */
#define MB2_MAGIC        0xE85250D6
#define MB2_BOOT_MAGIC   0x36D76289
#define MB2_ARCH_I386    0
#define STACK_SIZE       (256 * 1024)
#define IST_STACK_SIZE   (16 * 1024)

        .section .multiboot2, "a"
        .align 8
mb2_header:
        .long MB2_MAGIC
        .long MB2_ARCH_I386
        .long mb2_header_end - mb2_header
        .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /* framebuffer wanted, mode left to gfxpayload in grub.cfg (a size
           here would override it): VGA text under BIOS, pixels under UEFI */
        .align 8
        .short 5, 1
        .long 20
        .long 0, 0, 0
        /* page-aligned modules */
        .align 8
        .short 6, 0
        .long 8
        .align 8
        .short 0, 0
        .long 8
mb2_header_end:

        .section .text.entry, "ax"
        .code32
        .global _start
_start:
        cli
        cld
        mov %eax, %edi                  /* magic: cpuid below clobbers ebx */
        mov %ebx, %esi                  /* multiboot2 info pointer */
        mov $boot_stack_top, %esp
        rdtsc
        mov %eax, entry_tsc
        mov %edx, entry_tsc + 4

        cmp $MB2_BOOT_MAGIC, %edi
        jne not_multiboot2

        mov $0x80000000, %eax
        cpuid
        cmp $0x80000001, %eax
        jb no_long_mode
        mov $0x80000001, %eax
        cpuid
        test $(1 << 29), %edx
        jz no_long_mode

        /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages */
        mov $boot_pdpt, %eax
        or $0x3, %eax
        mov %eax, boot_pml4
        mov $boot_pd, %eax
        or $0x3, %eax
        xor %ecx, %ecx
1:      mov %eax, boot_pdpt(, %ecx, 8)
        add $4096, %eax
        inc %ecx
        cmp $4, %ecx
        jne 1b
        xor %ecx, %ecx
2:      mov %ecx, %eax
        shl $21, %eax
        or $0x83, %eax                  /* present, writable, 2 MiB */
        mov %eax, boot_pd(, %ecx, 8)    /* high half stays zero below 4 GiB */
        inc %ecx
        cmp $2048, %ecx
        jne 2b

        mov $boot_pml4, %eax
        mov %eax, %cr3
        mov %cr4, %eax
        or $(1 << 5), %eax              /* PAE */
        mov %eax, %cr4
        mov $0xC0000080, %ecx           /* EFER.LME */
        rdmsr
        or $(1 << 8), %eax
        wrmsr
        mov %cr0, %eax
        or $((1 << 31) | 1), %eax       /* PG | PE */
        mov %eax, %cr0
        lgdt gdt_pointer
        ljmp $0x08, $long_mode

/* Print a message in %ebx to COM1 and the VGA text screen, then stop. */
not_multiboot2:
        mov $msg_not_multiboot2, %ebx
        jmp fail32
no_long_mode:
        mov $msg_no_long_mode, %ebx
fail32:
        mov $0xB8000, %edi
3:      movzbl (%ebx), %eax
        test %eax, %eax
        jz 5f
        mov $0x4F00, %ecx               /* white on red */
        or %eax, %ecx
        mov %cx, (%edi)
        add $2, %edi
        mov %eax, %ecx
        mov $0x3FD, %dx
4:      in %dx, %al
        test $0x20, %al
        jz 4b
        mov $0x3F8, %dx
        mov %ecx, %eax
        out %al, %dx
        inc %ebx
        jmp 3b
5:      hlt
        jmp 5b

        .code64
long_mode:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        xor %ax, %ax
        mov %ax, %fs
        mov %ax, %gs
        mov $boot_stack_top, %rsp

        /* TSS descriptor: base split across the descriptor fields */
        lea tss(%rip), %rax
        mov %ax, gdt_tss + 2(%rip)
        shr $16, %rax
        mov %al, gdt_tss + 4(%rip)
        mov %ah, gdt_tss + 7(%rip)
        shr $16, %rax
        mov %eax, gdt_tss + 8(%rip)
        lea ist_stack_top(%rip), %rax
        mov %rax, tss + 36(%rip)        /* IST1: double faults get their own stack */
        mov $0x18, %ax
        ltr %ax

        /* SSE: CR0.EM=0, CR0.MP=1, CR4.OSFXSR|OSXMMEXCPT */
        mov %cr0, %rax
        and $~(1 << 2), %rax
        or $(1 << 1), %rax
        mov %rax, %cr0
        mov %cr4, %rax
        or $((1 << 9) | (1 << 10)), %rax
        mov %rax, %cr4
        fninit
        ldmxcsr mxcsr_default(%rip)

        mov %edi, %edi                  /* zero-extend magic and info pointer */
        mov %esi, %esi
        mov entry_tsc(%rip), %rdx
        xor %rbp, %rbp
        call boot_main
6:      cli
        hlt
        jmp 6b

        .section .rodata
msg_not_multiboot2:
        .asciz "Atoll must be started by a multiboot2 boot loader (GRUB); the boot magic is wrong."
msg_no_long_mode:
        .asciz "Atoll needs an x86_64 CPU (no long mode reported by CPUID)."
mxcsr_default:
        .long 0x1F80

        .section .data
        .align 16
gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
        .quad 0x00CF92000000FFFF        /* 0x10: data */
gdt_tss:                                /* 0x18: 64-bit TSS, base filled in */
        .quad 0x0000890000000067
        .quad 0
gdt_end:
gdt_pointer:
        .short gdt_end - gdt - 1
        .quad gdt

        .align 8
        .global entry_tsc
entry_tsc:
        .quad 0

        .section .bss
        .align 4096
        .global boot_pml4
boot_pml4:      .skip 4096
boot_pdpt:      .skip 4096
boot_pd:        .skip 4 * 4096
        .align 16
tss:            .skip 104
        /* Left unmapped by the kernel (kernel/mem/stack-guard.ts): a stack
           overflow faults here instead of overwriting what lies below. */
        .align 4096
        .global boot_stack_guard
boot_stack_guard: .skip 4096
        .global boot_stack_bottom
boot_stack_bottom:
        .skip STACK_SIZE
boot_stack_top:
ist_stack:      .skip IST_STACK_SIZE
ist_stack_top:

        .section .note.GNU-stack, "", @progbits
