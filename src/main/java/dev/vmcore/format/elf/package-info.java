/**
 * Layer 1: ELF64 structures over a {@link dev.vmcore.util.ByteSource}: the file header, program
 * headers (including the PN_XNUM form makedumpfile writes for 65535+ segments), notes, and for
 * vmlinux / .ko files the section headers, the symbol table with nm's type letters, the build id
 * and the {@code linux_banner} string ({@link dev.vmcore.format.elf.ElfSymbols}).
 *
 * <p>Pure functions of bytes. Knows nothing of dumps, kernels or where the bytes come from.
 *
 * <p>jelf 0.12.0 is a dependency but is not used for symbol tables: any section it is asked for is
 * fully parsed with byte-at-a-time reads (all symbols of {@code .symtab}, all relocations of each
 * {@code .rela.*}), which took 2.5–8.5 s for the 119k symbols of the 6.1 vmlinux plus 1.6–3.3 s for
 * their names. Our own positional reads take tens of milliseconds. Should jelf be used here later,
 * no jelf type may leave this package.
 */
package dev.vmcore.format.elf;
