package dev.vmcore.symbols;

import java.util.OptionalLong;

/**
 * Where the kallsyms tables are in kernel memory (runtime addresses), as VMCOREINFO gives them
 * since Linux 6.0, or as a search found them on older kernels.
 *
 * @param names kallsyms_names
 * @param numSyms kallsyms_num_syms (the address of the count)
 * @param tokenTable kallsyms_token_table
 * @param tokenIndex kallsyms_token_index
 * @param offsets kallsyms_offsets (base-relative, absolute-percpu or place-relative encodings)
 * @param relativeBase kallsyms_relative_base, when the kernel has it
 * @param addresses kallsyms_addresses, for absolute kallsyms
 * @param stext the runtime address of _stext, to tell the address encodings apart
 * @param bigSymbolLengths true when names may use the two-byte length form (Linux 6.1+, commit 73bbb94466fd)
 */
public record KallsymsLocations(long names, long numSyms, long tokenTable, long tokenIndex, OptionalLong offsets,
                                OptionalLong relativeBase, OptionalLong addresses, long stext,
                                boolean bigSymbolLengths) {
}
