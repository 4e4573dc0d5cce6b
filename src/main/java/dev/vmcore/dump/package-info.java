/**
 * Layer 2: crash-dump files. Recognises a file by its content (never its name) and serves its
 * physical memory and notes: ELF cores, kdump-compressed and diskdump files, either of them
 * flattened (read in place), and split kdump sets.
 *
 * <p>Knows the byte signatures of ELF cores, kdump-compressed, diskdump and makedumpfile's
 * flattened files. Knows no kernel semantics, symbols or commands.
 */
package dev.vmcore.dump;
