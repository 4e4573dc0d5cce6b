/**
 * An x86-64 instruction decoder and an AT&amp;T formatter whose text follows GNU objdump's
 * ({@code objdump -d}, binutils 2.40). Table-driven: the one-byte, 0F, 0F38 and 0F3A opcode maps,
 * VEX and the EVEX forms kernel code uses, x87, and the system instructions of kernel text.
 *
 * <p>A pure function of bytes: {@link dev.vmcore.format.x86.X86Decoder#decode} takes a byte array,
 * an offset and the address the bytes sit at, and never throws on bad input (an undecodable or
 * truncated instruction is {@code (bad)}, one byte long). This package knows neither ELF files
 * nor symbols; {@link dev.vmcore.format.x86.AttFormatter} takes a symbolizer callback for branch
 * and RIP-relative targets.
 */
package dev.vmcore.format.x86;
