/**
 * Layer 1: ELF64 structures over a {@link dev.vmcore.util.ByteSource}: the file header, program
 * headers (including the PN_XNUM form makedumpfile writes for 65535+ segments) and notes.
 *
 * <p>Pure functions of bytes. Knows nothing of dumps, kernels or where the bytes come from.
 */
package dev.vmcore.format.elf;
