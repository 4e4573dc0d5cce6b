/**
 * An x86-64 instruction decoder, and AT&amp;T and Intel formatters whose text follows GNU
 * objdump's ({@code objdump -d} and {@code objdump -d -M intel}, binutils 2.40). Table-driven: the
 * one-byte, 0F, 0F38 and 0F3A opcode maps, VEX and the EVEX forms kernel code uses, x87, and the
 * system instructions of kernel text.
 *
 * <p>A pure function of bytes: {@link dev.vmcore.format.x86.X86Decoder#decode} takes a byte array,
 * an offset and the address the bytes sit at, and never throws on bad input (an undecodable or
 * truncated instruction is {@code (bad)}, one byte long). This package knows neither ELF files
 * nor symbols; {@link dev.vmcore.format.x86.AttFormatter} and
 * {@link dev.vmcore.format.x86.IntelFormatter} take a symbolizer callback for branch and
 * RIP-relative targets. What objdump prints beyond the {@link dev.vmcore.format.x86.Instruction}
 * record (unused prefixes, "0x0(%rax)" versus "(%rax)", {@code %riz}, EVEX masks, the Intel
 * mnemonic and size keyword) the formatters get by decoding the instruction's bytes again.
 *
 * <p>Checked against objdump (RealObjdumpAgreementTest, RealObjdumpIntelAgreementTest) over every
 * executable section of the test kernels' vmlinux and their vector/KVM/raid6 modules, and in
 * development over all 2,259 modules of both (AT&amp;T and Intel): same length and same text for
 * every instruction objdump decodes. objdump's habits are
 * followed where they are not the CPU's (a REX prefix that another prefix follows is an
 * "instruction" of its own, named by the REX; {@code %?} for segment registers 6 and 7; 16-bit
 * near branches). Deliberate differences: instructions newer than binutils 2.40 are named (erets,
 * eretu, lkgs, where 2.40 prints "repnz clac", "(bad)"); an instruction cut by a symbol boundary is
 * decoded whole (objdump restarts at the symbol).
 */
package dev.vmcore.format.x86;
