/*
 * CPU exception entry stubs. Each stub pushes a uniform frame (a zero in
 * place of the error code where the CPU pushes none, then the vector) and the
 * common path saves every general register and calls exception_entry(frame).
 * The frame layout is read by kernel/panic/frame.ts.
 */
        .code64
        .text

.macro stub vector, has_error
        .align 16
isr_\vector:
        .if \has_error == 0
        push $0
        .endif
        push $\vector
        jmp isr_common
.endm

/* Vectors whose exceptions push an error code: 8, 10-14, 17, 21, 29, 30. */
stub 0, 0
stub 1, 0
stub 2, 0
stub 3, 0
stub 4, 0
stub 5, 0
stub 6, 0
stub 7, 0
stub 8, 1
stub 9, 0
stub 10, 1
stub 11, 1
stub 12, 1
stub 13, 1
stub 14, 1
stub 15, 0
stub 16, 0
stub 17, 1
stub 18, 0
stub 19, 0
stub 20, 0
stub 21, 1
stub 22, 0
stub 23, 0
stub 24, 0
stub 25, 0
stub 26, 0
stub 27, 0
stub 28, 0
stub 29, 1
stub 30, 1
stub 31, 0

isr_common:
        push %r15
        push %r14
        push %r13
        push %r12
        push %r11
        push %r10
        push %r9
        push %r8
        push %rbp
        push %rdi
        push %rsi
        push %rdx
        push %rcx
        push %rbx
        push %rax
        mov %rsp, %rdi
        mov %rsp, %rbx
        and $~0xF, %rsp                 /* the C ABI wants a 16-byte aligned stack */
        cld
        call exception_entry
        mov %rbx, %rsp
        pop %rax
        pop %rbx
        pop %rcx
        pop %rdx
        pop %rsi
        pop %rdi
        pop %rbp
        pop %r8
        pop %r9
        pop %r10
        pop %r11
        pop %r12
        pop %r13
        pop %r14
        pop %r15
        add $16, %rsp
        iretq

/*
 * Vectors 32-255 (device interrupts): each 16-byte stub pushes its vector.
 * irq_common only sets the vector's bit in irq_pending and acknowledges the
 * interrupt; the kernel collects the bits later (take_interrupts in
 * primitives.c), so AssemblyScript code is never re-entered. The kernel
 * chooses how to acknowledge: irq_eoi_register is the local APIC's EOI
 * register, or 0 for the 8259 PICs remapped at irq_pic_base.
 */
        .align 16
        .global irq_stubs
irq_stubs:
        .set vector, 32
        .rept 224
        .align 16
        pushq $vector
        jmp irq_common
        .set vector, vector + 1
        .endr

#define SPURIOUS_VECTOR 0xff
irq_common:
        push %rax
        push %rdx
        mov 16(%rsp), %rax              /* the vector */
        lock bts %rax, irq_pending(%rip)
        cmp $SPURIOUS_VECTOR, %rax      /* the APIC's spurious interrupt takes no EOI */
        je 2f
        mov irq_eoi_register(%rip), %rdx
        test %rdx, %rdx
        jz 1f
        movl $0, (%rdx)
        jmp 2f
1:      sub irq_pic_base(%rip), %rax    /* 8259: the slave needs an EOI too for IRQ 8-15 */
        cmp $16, %rax
        jae 2f
        cmp $8, %rax
        mov $0x20, %al
        jb 3f
        out %al, $0xa0
3:      out %al, $0x20
2:      pop %rdx
        pop %rax
        add $8, %rsp
        iretq

        .data
        .align 8
        .global irq_pending, irq_eoi_register, irq_pic_base
irq_pending:
        .quad 0, 0, 0, 0
irq_eoi_register:
        .quad 0
irq_pic_base:
        .quad 32

        .section .rodata
        .align 8
        .global isr_stubs
isr_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad isr_\v
        .endr

        .section .note.GNU-stack, "", @progbits
