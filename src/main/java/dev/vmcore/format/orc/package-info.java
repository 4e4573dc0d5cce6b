/**
 * ORC unwind tables (x86-64): the {@code .orc_unwind_ip} / {@code .orc_unwind} pair objtool writes,
 * decoded in each of the entry layouts the kernel has used. Plain records over bytes: this package
 * knows neither kernel memory nor ELF files; callers hand it the table bytes and the address the
 * instruction-pointer table sits at.
 */
package dev.vmcore.format.orc;
