/**
 * Layer 1: DWARF 4 and 5 debugging information over section buffers handed in by a provider
 * (mapped file slices, or arrays): compilation units, abbreviations, DIE trees, a compact name
 * index of top-level types, variables and functions built in parallel, .debug_aranges, line
 * tables and inline chains (address to file:line, like addr2line -i -f). Sections are read with
 * absolute gets on read-only buffers and never copied whole.
 *
 * <p>Knows neither ELF files (sections, compression and relocations are the provider's) nor the
 * kernel. Turning DIEs into the project's type model is the types layer's job.
 */
package dev.vmcore.format.dwarf;
