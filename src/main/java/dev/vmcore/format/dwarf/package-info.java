/**
 * Layer 1: DWARF 4 and 5 debugging information over section bytes handed in by a provider:
 * compilation units, abbreviations, DIE trees, a name index of top-level types, variables and
 * functions built in parallel, line tables and inline chains (address to file:line, like
 * addr2line -i -f).
 *
 * <p>Knows neither ELF files (sections, compression and relocations are the provider's) nor the
 * kernel. Turning DIEs into the project's type model is the types layer's job.
 */
package dev.vmcore.format.dwarf;
