/**
 * Layer 3: symbols. Address to name+offset and name to address, from kallsyms in kernel memory,
 * from a vmlinux's ELF symbol table (relocated by the KASLR offset), from modules, and composed.
 *
 * <p>Reads memory only through {@link dev.vmcore.memory.AddressSpace}; where the tables are comes
 * in as a value ({@link dev.vmcore.symbols.KallsymsLocations}). Knows no commands.
 */
package dev.vmcore.symbols;
