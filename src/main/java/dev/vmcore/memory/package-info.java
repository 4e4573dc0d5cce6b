/**
 * Layer 1: memory as address spaces. {@link dev.vmcore.memory.PhysicalMemory} is what a dump
 * serves; {@link dev.vmcore.memory.PagedMemory} adds the bounded page cache and the cross-page read
 * loop once for every dump format. Faults say which space and why a read failed.
 *
 * <p>Knows pages and addresses only: no file formats, no symbols, no kernel structures.
 */
package dev.vmcore.memory;
