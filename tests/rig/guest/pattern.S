/*
 * icemig bench guest: a multiboot (v1) kernel that QEMU boots directly
 * (-kernel, or <os><kernel> in the domain XML). It fills all guest RAM above
 * 2 MiB with a non-zero pattern (each 32-bit word holds its own address
 * XOR 0x5a5a5a5a, so no page is a zero page and no two pages are equal),
 * writes the marker 0x600df00d at physical 0x500 when done, and halts.
 * The bench migrates it then: all of its RAM must really be sent.
 *
 * Build: gcc -m32 -ffreestanding -nostdlib -static -Wl,-Ttext=0x100000
 *        -Wl,--build-id=none -o pattern.elf pattern.S
 */
	.set	MB_MAGIC, 0x1badb002
	.set	MB_FLAGS, 0x00000002	/* bit 1: memory information */
	.set	FILL_START, 0x200000
	.set	DONE_ADDR, 0x500

	.section .text
	.code32
	.globl	_start
	.align	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

_start:
	cli
	/* %ebx: multiboot information; mem_upper (KiB above 1 MiB) at +8 */
	movl	$0, DONE_ADDR
	testl	$1, (%ebx)
	jz	halt
	movl	8(%ebx), %ecx
	shll	$10, %ecx
	addl	$0x100000, %ecx		/* %ecx: end of RAM (exclusive) */
	movl	$FILL_START, %edi
fill:
	cmpl	%ecx, %edi
	jae	done
	movl	%edi, %eax
	xorl	$0x5a5a5a5a, %eax
	movl	%eax, (%edi)
	addl	$4, %edi
	jmp	fill
done:
	movl	$0x600df00d, DONE_ADDR
halt:
	hlt
	jmp	halt
