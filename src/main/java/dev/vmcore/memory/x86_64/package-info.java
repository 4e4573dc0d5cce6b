/**
 * x86-64 address translation: the 4- and 5-level page walk (4 KiB, 2 MiB and 1 GiB pages) and
 * the kernel's linear mappings, driven by a {@link dev.vmcore.memory.PagingConfig} value.
 *
 * <p>Mirrors arch/x86/include/asm/pgtable_64_types.h and Documentation/arch/x86/x86_64/mm.rst.
 * Knows nothing of symbols or where the configuration came from.
 */
package dev.vmcore.memory.x86_64;
